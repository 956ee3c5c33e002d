import { defineStrings } from '../../i18n';

/** Strings of the Network page and its explorer, in every language. */
export const NETWORK_STRINGS = defineStrings({
  en: {
    title: 'Network',
    chain: 'Chain',
    height: 'Height',
    round: 'Round',
    peersCount: 'Connected stores',
    sync: 'Sync',
    syncing: 'catching up',
    inSync: 'in sync',
    role: 'This node',
    validator: 'validator',
    observer: 'observer',
    mempool: 'Waiting transactions',
    loading: 'Loading…',
    noBlocks: 'No blocks yet.',
    recentBlocks: 'Recent blocks',
    block: 'Block',
    time: 'Time',
    proposer: 'Proposer',
    txs: 'Transactions',
    hash: 'Hash',
    older: 'Older blocks',
    newest: 'Newest',
    validators: 'Validators',
    address: 'Address',
    score: 'Score',
    reputation: 'Reputation',
    stake: 'Stake',
    unbonding: 'Unbonding',
    region: 'Region',
    power: 'Voting power',
    status: 'Status',
    active: 'active',
    candidate: 'candidate',
    jailed: 'jailed',
    peers: 'Peers',
    peerId: 'Peer',
    peerAddress: 'Address',
    source: 'Found by',
    latency: 'Latency',
    peerScore: 'Score',
    peerHeight: 'Height',
    connected: 'connected',
    disconnected: 'not connected',
    banned: 'banned',
    noPeers: 'No other stores yet.',
    addPeer: 'Add a store by address',
    addPeerHint: '/ip4/192.168.1.20/tcp/4510/p2p/12D3KooW…',
    add: 'Add',
    adding: 'Adding…',
    added: 'Added {id}',
    src_mdns: 'local network',
    src_static: 'configuration',
    src_manual: 'added by hand',
    src_inbound: 'it called us',
    search: 'Block height, block or transaction hash, or address',
    find: 'Find',
    notFound: 'Nothing found for “{q}”.',
    back: 'Back to the network',
    blockTitle: 'Block {height}',
    previous: 'Previous',
    next: 'Next',
    stateRoot: 'State root',
    signers: 'Signed by',
    evidence: 'Double-vote evidence',
    noTxs: 'No transactions in this block.',
    txTitle: 'Transaction',
    type: 'Type',
    from: 'From',
    to: 'To',
    amount: 'Amount',
    fee: 'Fee',
    nonce: 'Nonce',
    result: 'Result',
    ok: 'ok',
    failed: 'failed',
    pending: 'pending',
    unknown: 'outcome not known here',
    minted: 'Minted',
    inBlock: 'In block',
    accountTitle: 'Account',
    balance: 'Balance',
    pendingNonce: 'Next nonce',
    kyc: 'KYC',
    none: 'none',
    moreTxs: 'Older transactions',
  },
  ru: {
    title: 'Сеть',
    chain: 'Сеть',
    height: 'Высота',
    round: 'Раунд',
    peersCount: 'Подключённые рестораны',
    sync: 'Синхронизация',
    syncing: 'догоняет',
    inSync: 'синхронизирован',
    role: 'Этот узел',
    validator: 'валидатор',
    observer: 'наблюдатель',
    mempool: 'Ожидающие транзакции',
    loading: 'Загрузка…',
    noBlocks: 'Блоков пока нет.',
    recentBlocks: 'Последние блоки',
    block: 'Блок',
    time: 'Время',
    proposer: 'Предложил',
    txs: 'Транзакции',
    hash: 'Хеш',
    older: 'Более ранние блоки',
    newest: 'Новейшие',
    validators: 'Валидаторы',
    address: 'Адрес',
    score: 'Оценка',
    reputation: 'Репутация',
    stake: 'Ставка',
    unbonding: 'Выводится',
    region: 'Регион',
    power: 'Вес голоса',
    status: 'Статус',
    active: 'активен',
    candidate: 'кандидат',
    jailed: 'заблокирован',
    peers: 'Узлы',
    peerId: 'Узел',
    peerAddress: 'Адрес',
    source: 'Как найден',
    latency: 'Задержка',
    peerScore: 'Оценка',
    peerHeight: 'Высота',
    connected: 'подключён',
    disconnected: 'не подключён',
    banned: 'заблокирован',
    noPeers: 'Других ресторанов пока нет.',
    addPeer: 'Добавить ресторан по адресу',
    addPeerHint: '/ip4/192.168.1.20/tcp/4510/p2p/12D3KooW…',
    add: 'Добавить',
    adding: 'Добавляем…',
    added: 'Добавлен {id}',
    src_mdns: 'локальная сеть',
    src_static: 'настройки',
    src_manual: 'вручную',
    src_inbound: 'подключился сам',
    search: 'Высота блока, хеш блока или транзакции, или адрес',
    find: 'Найти',
    notFound: 'По запросу «{q}» ничего не найдено.',
    back: 'Назад к сети',
    blockTitle: 'Блок {height}',
    previous: 'Предыдущий',
    next: 'Следующий',
    stateRoot: 'Корень состояния',
    signers: 'Подписали',
    evidence: 'Доказательства двойного голоса',
    noTxs: 'В этом блоке нет транзакций.',
    txTitle: 'Транзакция',
    type: 'Тип',
    from: 'От',
    to: 'Кому',
    amount: 'Сумма',
    fee: 'Комиссия',
    nonce: 'Номер',
    result: 'Результат',
    ok: 'успешно',
    failed: 'ошибка',
    pending: 'ожидает',
    unknown: 'результат здесь неизвестен',
    minted: 'Выпущено',
    inBlock: 'В блоке',
    accountTitle: 'Счёт',
    balance: 'Баланс',
    pendingNonce: 'Следующий номер',
    kyc: 'KYC',
    none: 'нет',
    moreTxs: 'Более ранние транзакции',
  },
});

/** Where the explorer is: `#/network`, `#/network/block/12`, `#/network/tx/0x…`, `#/network/account/0x…`. */
export type ExplorerView =
  | { kind: 'home' }
  | { kind: 'block'; ref: string }
  | { kind: 'tx'; hash: string }
  | { kind: 'account'; address: string };

/** The explorer view named by the location hash. */
export function viewFromHash(hash: string): ExplorerView {
  const [, , kind, arg] = hash.replace(/^#\/?/, '#/').split('/');
  if (kind === 'block' && arg) return { kind: 'block', ref: decodeURIComponent(arg) };
  if (kind === 'tx' && arg) return { kind: 'tx', hash: decodeURIComponent(arg) };
  if (kind === 'account' && arg) return { kind: 'account', address: decodeURIComponent(arg) };
  return { kind: 'home' };
}

/** The location hash of an explorer view. */
export function hrefOf(v: ExplorerView): string {
  switch (v.kind) {
    case 'home':
      return '#/network';
    case 'block':
      return `#/network/block/${encodeURIComponent(v.ref)}`;
    case 'tx':
      return `#/network/tx/${encodeURIComponent(v.hash)}`;
    case 'account':
      return `#/network/account/${encodeURIComponent(v.address)}`;
  }
}

/** `0x1234…abcd` for long hex. */
export function short(hex: string, keep = 6): string {
  return hex.length > keep * 2 + 4 ? `${hex.slice(0, keep + 2)}…${hex.slice(-keep)}` : hex;
}

/** Parts per million as a percentage with one decimal. */
export function ppmPercent(ppm: number): string {
  return `${(ppm / 10_000).toFixed(1)}%`;
}
