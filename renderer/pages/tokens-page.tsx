import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import type { SendPreview, WalletAccount, WalletStatus } from '../../main/api/contract/wallet';
import { call, q } from '../api';
import { Card, ErrorBox, PageHeader, Stat, SecretField } from '../components/ui';
import { addressProblem } from '../components/wallet/address-check';
import { downloadText } from '../components/wallet/download';
import { QrCode } from '../components/wallet/qr-code';
import { defineStrings, useFormat, useT } from '../i18n';

const S = defineStrings({
  en: {
    title: 'Tokens',
    lock: 'Lock',
    locked: 'Locked',
    unlocked: 'Unlocked',
    autoLock: 'Locks itself at {time} if idle',
    noWallet: 'This node has no wallet yet. Create a new one, or restore one from its recovery phrase.',
    create: 'Create a new wallet',
    words: 'Recovery phrase length',
    w12: '12 words',
    w24: '24 words',
    password: 'Wallet password',
    password2: 'Repeat the password',
    passwordsDiffer: 'The two passwords differ.',
    tooShort: 'Use at least 8 characters.',
    createBtn: 'Create wallet',
    restore: 'Restore from a recovery phrase',
    mnemonic: 'Recovery phrase (12–24 words)',
    passphrase: 'BIP39 passphrase (optional; leave empty if you never set one)',
    restoreBtn: 'Restore wallet',
    importFile: 'Import a Web3 keystore file (.json)',
    filePassword: 'The file’s password',
    importBtn: 'Import key',
    label: 'Label (optional)',
    unlockTitle: 'Unlock the wallet',
    unlockBtn: 'Unlock',
    passphraseNeeded: 'BIP39 passphrase (this wallet has one; it is never stored)',
    damaged: 'The wallet keystore cannot be used',
    accounts: 'Accounts',
    balance: 'Balance',
    addAccount: 'Add account',
    imported: 'imported',
    noLedger: 'Balances and history appear once the node’s ledger is running.',
    receive: 'Receive',
    receiveHint: 'Share this address or let the sender scan the code.',
    copy: 'Copy address',
    copied: 'Copied',
    send: 'Send',
    from: 'From',
    to: 'To (address)',
    amount: 'Amount (base units)',
    fee: 'Fee (optional, base units)',
    review: 'Review',
    badShape: 'An address is 0x followed by 40 hex digits.',
    badChecksum: 'This address has a wrong checksum: a character is mistyped. Copy it again.',
    confirmTitle: 'Confirm the transfer',
    nonce: 'Nonce',
    total: 'Total (amount + fee)',
    chain: 'Chain',
    confirm: 'Confirm and send',
    cancel: 'Cancel',
    sent: 'Sent. Transaction {hash}',
    history: 'History',
    exportCsv: 'Export CSV',
    noHistory: 'No transactions yet.',
    more: 'Older',
    time: 'Time',
    type: 'Type',
    direction: 'Direction',
    counterparty: 'Counterparty',
    status: 'Status',
    out: 'out',
    in: 'in',
    pending: 'pending',
    backup: 'Backup',
    backupHint:
      'Your recovery phrase restores this wallet anywhere. Enter the password to show it; write it on paper; never photograph or paste it.',
    reveal: 'Show recovery phrase',
    hide: 'Hide',
    afterCreate: 'Your wallet is ready. Write down its recovery phrase now: open Backup below.',
  },
  ru: {
    title: 'Токены',
    lock: 'Заблокировать',
    locked: 'Заблокирован',
    unlocked: 'Разблокирован',
    autoLock: 'Заблокируется в {time} при бездействии',
    noWallet: 'На этом узле ещё нет кошелька. Создайте новый или восстановите по фразе восстановления.',
    create: 'Создать новый кошелёк',
    words: 'Длина фразы восстановления',
    w12: '12 слов',
    w24: '24 слова',
    password: 'Пароль кошелька',
    password2: 'Повторите пароль',
    passwordsDiffer: 'Пароли не совпадают.',
    tooShort: 'Не меньше 8 символов.',
    createBtn: 'Создать кошелёк',
    restore: 'Восстановить по фразе',
    mnemonic: 'Фраза восстановления (12–24 слова)',
    passphrase: 'Пароль BIP39 (необязательно; оставьте пустым, если не задавали)',
    restoreBtn: 'Восстановить',
    importFile: 'Импорт файла Web3 keystore (.json)',
    filePassword: 'Пароль файла',
    importBtn: 'Импортировать ключ',
    label: 'Название (необязательно)',
    unlockTitle: 'Разблокировать кошелёк',
    unlockBtn: 'Разблокировать',
    passphraseNeeded: 'Пароль BIP39 (у этого кошелька он есть; он нигде не хранится)',
    damaged: 'Хранилище ключей кошелька повреждено',
    accounts: 'Счета',
    balance: 'Баланс',
    addAccount: 'Добавить счёт',
    imported: 'импортирован',
    noLedger: 'Балансы и история появятся, когда заработает реестр узла.',
    receive: 'Получить',
    receiveHint: 'Передайте адрес или дайте отсканировать код.',
    copy: 'Копировать адрес',
    copied: 'Скопировано',
    send: 'Отправить',
    from: 'Откуда',
    to: 'Куда (адрес)',
    amount: 'Сумма (базовые единицы)',
    fee: 'Комиссия (необязательно)',
    review: 'Проверить',
    badShape: 'Адрес — это 0x и 40 шестнадцатеричных цифр.',
    badChecksum: 'Неверная контрольная сумма адреса: опечатка. Скопируйте адрес заново.',
    confirmTitle: 'Подтвердите перевод',
    nonce: 'Nonce',
    total: 'Итого (сумма + комиссия)',
    chain: 'Сеть',
    confirm: 'Подтвердить и отправить',
    cancel: 'Отмена',
    sent: 'Отправлено. Транзакция {hash}',
    history: 'История',
    exportCsv: 'Экспорт CSV',
    noHistory: 'Транзакций пока нет.',
    more: 'Ранее',
    time: 'Время',
    type: 'Тип',
    direction: 'Направление',
    counterparty: 'Контрагент',
    status: 'Статус',
    out: 'исх.',
    in: 'вх.',
    pending: 'в ожидании',
    backup: 'Резервная копия',
    backupHint:
      'Фраза восстановления восстанавливает кошелёк где угодно. Введите пароль, чтобы показать её; запишите на бумаге; не фотографируйте и не вставляйте никуда.',
    reveal: 'Показать фразу',
    hide: 'Скрыть',
    afterCreate: 'Кошелёк готов. Запишите фразу восстановления сейчас: раздел «Резервная копия» ниже.',
  },
});

type T = ReturnType<typeof useT<keyof typeof S.en>>;

/** The Tokens page: set up, unlock, balances, receive (QR), send with confirmation, history + CSV, backup, lock. */
export function TokensPage() {
  const t = useT(S);
  const f = useFormat();
  const qc = useQueryClient();
  const status = useQuery({ ...q('wallet.status', {}), refetchInterval: 15_000 });
  const [justCreated, setJustCreated] = useState(false);
  const refresh = () =>
    qc.invalidateQueries({ predicate: (x) => String(x.queryKey[0]).startsWith('wallet.') });
  const s = status.data;
  return (
    <>
      <PageHeader title={t('title')}>
        {s?.state === 'unlocked' ? (
          <>
            {s.autoLockAtMs ? (
              <span className="muted">{t('autoLock', { time: f.time(s.autoLockAtMs) })}</span>
            ) : null}
            <span className="pill ok">{t('unlocked')}</span>
            <button data-testid="wallet-lock" onClick={() => void call('wallet.lock', {}).then(refresh)}>
              {t('lock')}
            </button>
          </>
        ) : s?.state === 'locked' ? (
          <span className="pill warn">{t('locked')}</span>
        ) : null}
      </PageHeader>
      {status.error ? <ErrorBox error={status.error} /> : null}
      {s?.state === 'none' ? <Setup t={t} onDone={() => (setJustCreated(true), void refresh())} /> : null}
      {s?.state === 'damaged' ? (
        <Card title={t('damaged')}>
          <ErrorBox error={s.problem} />
        </Card>
      ) : null}
      {s?.state === 'locked' ? <Unlock t={t} status={s} onDone={() => void refresh()} /> : null}
      {s?.state === 'unlocked' ? (
        <Unlocked t={t} status={s} justCreated={justCreated} onChange={() => void refresh()} />
      ) : null}
    </>
  );
}

function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

function Setup({ t, onDone }: { t: T; onDone: () => void }) {
  const create = useAction();
  const restore = useAction();
  const file = useAction();
  const [words, setWords] = useState<12 | 24>(12);
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const [mnemonic, setMnemonic] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [rpw, setRpw] = useState('');
  const [json, setJson] = useState('');
  const [filePw, setFilePw] = useState('');
  const [fpw, setFpw] = useState('');
  const pwProblem =
    pw.length > 0 && pw.length < 8 ? t('tooShort') : pw2 && pw !== pw2 ? t('passwordsDiffer') : null;
  return (
    <>
      <p className="empty">{t('noWallet')}</p>
      <div className="grid">
        <Card title={t('create')} testId="wallet-create">
          <form
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void create
                .run(() => call('wallet.create', { words, password: pw }))
                .then((ok) => ok && onDone());
            }}
          >
            <label>
              {t('words')}
              <select value={words} onChange={(e) => setWords(Number(e.target.value) as 12 | 24)}>
                <option value={12}>{t('w12')}</option>
                <option value={24}>{t('w24')}</option>
              </select>
            </label>
            <SecretField
              label={t('password')}
              autoComplete="new-password"
              value={pw}
              onChange={setPw}
              testId="create-password"
            />
            <SecretField
              label={t('password2')}
              autoComplete="new-password"
              value={pw2}
              onChange={setPw2}
              testId="create-password2"
            />
            {pwProblem ? <p className="error">{pwProblem}</p> : null}
            {create.error ? <ErrorBox error={create.error} /> : null}
            <button
              type="submit"
              disabled={create.busy || pw.length < 8 || pw !== pw2}
              data-testid="create-submit"
            >
              {t('createBtn')}
            </button>
          </form>
        </Card>
        <Card title={t('restore')} testId="wallet-restore">
          <form
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void restore
                .run(() =>
                  call('wallet.import', { mnemonic, password: rpw, ...(passphrase ? { passphrase } : {}) }),
                )
                .then((ok) => {
                  if (ok) {
                    setMnemonic('');
                    onDone();
                  }
                });
            }}
          >
            <label>
              {t('mnemonic')}
              <textarea
                rows={3}
                autoComplete="off"
                spellCheck={false}
                value={mnemonic}
                onChange={(e) => setMnemonic(e.target.value)}
                data-testid="restore-mnemonic"
              />
            </label>
            <SecretField
              label={t('passphrase')}
              autoComplete="off"
              value={passphrase}
              onChange={setPassphrase}
            />
            <SecretField
              label={t('password')}
              autoComplete="new-password"
              value={rpw}
              onChange={setRpw}
              testId="restore-password"
            />
            {restore.error ? <ErrorBox error={restore.error} /> : null}
            <button
              type="submit"
              disabled={restore.busy || rpw.length < 8 || !mnemonic.trim()}
              data-testid="restore-submit"
            >
              {t('restoreBtn')}
            </button>
          </form>
        </Card>
        <Card title={t('importFile')}>
          <KeystoreFileForm
            t={t}
            action={file}
            json={json}
            setJson={setJson}
            filePw={filePw}
            setFilePw={setFilePw}
            walletPw={fpw}
            setWalletPw={setFpw}
            onDone={onDone}
          />
        </Card>
      </div>
    </>
  );
}

function KeystoreFileForm(props: {
  t: T;
  action: ReturnType<typeof useAction>;
  json: string;
  setJson: (s: string) => void;
  filePw: string;
  setFilePw: (s: string) => void;
  walletPw?: string;
  setWalletPw?: (s: string) => void;
  onDone: () => void;
}) {
  const { t, action } = props;
  const [label, setLabel] = useState('');
  return (
    <form
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void action
          .run(() =>
            call('wallet.importKeystore', {
              json: props.json,
              filePassword: props.filePw,
              ...(props.walletPw ? { password: props.walletPw } : {}),
              ...(label ? { label } : {}),
            }),
          )
          .then((ok) => ok && props.onDone());
      }}
    >
      <label>
        .json
        <input
          type="file"
          accept=".json,application/json"
          onChange={(e) => void e.target.files?.[0]?.text().then(props.setJson)}
        />
      </label>
      <SecretField
        label={t('filePassword')}
        autoComplete="off"
        value={props.filePw}
        onChange={props.setFilePw}
      />
      {props.setWalletPw ? (
        <SecretField
          label={t('password')}
          autoComplete="new-password"
          value={props.walletPw ?? ''}
          onChange={props.setWalletPw}
        />
      ) : null}
      <label>
        {t('label')}
        <input value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
      </label>
      {action.error ? <ErrorBox error={action.error} /> : null}
      <button type="submit" disabled={action.busy || !props.json}>
        {t('importBtn')}
      </button>
    </form>
  );
}

function Unlock({ t, status, onDone }: { t: T; status: WalletStatus; onDone: () => void }) {
  const a = useAction();
  const [pw, setPw] = useState('');
  const [passphrase, setPassphrase] = useState('');
  return (
    <Card title={t('unlockTitle')} testId="wallet-unlock">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void a
            .run(() => call('wallet.unlock', { password: pw, ...(passphrase ? { passphrase } : {}) }))
            .then((ok) => {
              setPw('');
              setPassphrase('');
              if (ok) onDone();
            });
        }}
      >
        <SecretField
          label={t('password')}
          autoComplete="current-password"
          autoFocus
          value={pw}
          onChange={setPw}
          testId="unlock-password"
        />
        {status.hasPassphrase ? (
          <SecretField
            label={t('passphraseNeeded')}
            autoComplete="off"
            value={passphrase}
            onChange={setPassphrase}
            testId="unlock-passphrase"
          />
        ) : null}
        {a.error ? <ErrorBox error={a.error} /> : null}
        <button type="submit" disabled={a.busy || !pw} data-testid="unlock-submit">
          {t('unlockBtn')}
        </button>
      </form>
    </Card>
  );
}

function Unlocked({
  t,
  status,
  justCreated,
  onChange,
}: {
  t: T;
  status: WalletStatus;
  justCreated: boolean;
  onChange: () => void;
}) {
  const [selected, setSelected] = useState(status.accounts[0]?.address ?? '');
  const add = useAction();
  const account = status.accounts.find((a) => a.address === selected) ?? status.accounts[0];
  return (
    <>
      {justCreated ? <div className="banner warn">{t('afterCreate')}</div> : null}
      <div className="grid">
        <Card title={t('accounts')} testId="wallet-accounts">
          <table className="table">
            <tbody>
              {status.accounts.map((a) => (
                <AccountRow
                  key={a.address}
                  t={t}
                  account={a}
                  selected={a.address === account?.address}
                  onSelect={() => setSelected(a.address)}
                />
              ))}
            </tbody>
          </table>
          {add.error ? <ErrorBox error={add.error} /> : null}
          {status.hasMnemonic ? (
            <button
              className="secondary"
              disabled={add.busy}
              onClick={() => void add.run(() => call('wallet.addAccount', {})).then(onChange)}
              data-testid="add-account"
            >
              {t('addAccount')}
            </button>
          ) : null}
        </Card>
        {account ? (
          <Card title={t('receive')} testId="wallet-receive">
            <p className="muted">{t('receiveHint')}</p>
            <QrCode text={account.address} label={account.address} />
            <p>
              <code data-testid="receive-address">{account.address}</code>
            </p>
            <CopyButton t={t} text={account.address} />
          </Card>
        ) : null}
      </div>
      {account ? <SendCard t={t} from={account.address} /> : null}
      {account ? <HistoryCard t={t} address={account.address} /> : null}
      {status.hasMnemonic ? <BackupCard t={t} /> : null}
    </>
  );
}

function AccountRow({
  t,
  account,
  selected,
  onSelect,
}: {
  t: T;
  account: WalletAccount;
  selected: boolean;
  onSelect: () => void;
}) {
  const bal = useQuery({ ...q('wallet.balance', { address: account.address }), retry: false });
  const noLedger = (bal.error as { code?: string } | null)?.code === 'LEDGER_UNAVAILABLE';
  return (
    <tr
      className={selected ? 'selected' : ''}
      onClick={onSelect}
      style={{ cursor: 'pointer', fontWeight: selected ? 600 : 400 }}
    >
      <td>{account.type === 'hd' ? `#${account.index}` : (account.label ?? t('imported'))}</td>
      <td>
        <code>{account.address}</code>
      </td>
      <td data-testid={`balance-${account.address}`} title={noLedger ? t('noLedger') : undefined}>
        {bal.data ? bal.data.balance : noLedger ? '—' : bal.error ? '!' : '…'}
      </td>
    </tr>
  );
}

function CopyButton({ t, text }: { t: T; text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      className="secondary"
      onClick={() =>
        void navigator.clipboard.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        })
      }
    >
      {done ? t('copied') : t('copy')}
    </button>
  );
}

function SendCard({ t, from }: { t: T; from: string }) {
  const a = useAction();
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [fee, setFee] = useState('');
  const [preview, setPreview] = useState<SendPreview | null>(null);
  const [sentHash, setSentHash] = useState<string | null>(null);
  const qc = useQueryClient();
  const problem = addressProblem(to);
  const amountOk = /^[1-9][0-9]{0,37}$/.test(amount) && (fee === '' || /^(0|[1-9][0-9]{0,37})$/.test(fee));
  return (
    <Card title={t('send')} testId="wallet-send">
      {!preview ? (
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            setSentHash(null);
            void a.run(async () =>
              setPreview(
                await call('wallet.previewSend', { from, to: to.trim(), amount, ...(fee ? { fee } : {}) }),
              ),
            );
          }}
        >
          <Stat label={t('from')} value={<code>{from}</code>} />
          <label>
            {t('to')}
            <input
              value={to}
              onChange={(e) => setTo(e.target.value)}
              spellCheck={false}
              autoComplete="off"
              data-testid="send-to"
              aria-invalid={problem === 'shape' || problem === 'checksum'}
            />
          </label>
          {problem === 'shape' && to.trim().length >= 42 ? (
            <p className="error" data-testid="send-to-error">
              {t('badShape')}
            </p>
          ) : null}
          {problem === 'checksum' ? (
            <p className="error" data-testid="send-to-error">
              {t('badChecksum')}
            </p>
          ) : null}
          <label>
            {t('amount')}
            <input
              value={amount}
              inputMode="numeric"
              onChange={(e) => setAmount(e.target.value.trim())}
              data-testid="send-amount"
            />
          </label>
          <label>
            {t('fee')}
            <input value={fee} inputMode="numeric" onChange={(e) => setFee(e.target.value.trim())} />
          </label>
          {a.error ? <ErrorBox error={a.error} /> : null}
          {sentHash ? (
            <p className="pill ok" data-testid="send-done">
              {t('sent', { hash: sentHash })}
            </p>
          ) : null}
          <button type="submit" disabled={a.busy || problem !== null || !amountOk} data-testid="send-review">
            {t('review')}
          </button>
        </form>
      ) : (
        <div data-testid="send-confirm">
          <h4>{t('confirmTitle')}</h4>
          <Stat label={t('from')} value={<code>{preview.from}</code>} />
          <Stat label={t('to')} value={<code>{to.trim()}</code>} />
          <Stat label={t('amount')} value={preview.amount} />
          <Stat label={t('fee')} value={preview.fee} />
          <Stat label={t('total')} value={preview.total} />
          <Stat label={t('nonce')} value={preview.nonce} />
          <Stat label={t('chain')} value={preview.chainId} />
          {a.error ? <ErrorBox error={a.error} /> : null}
          <div className="page-actions">
            <button
              disabled={a.busy}
              data-testid="send-confirm-btn"
              onClick={() =>
                void a.run(async () => {
                  const r = await call('wallet.send', { previewId: preview.previewId });
                  setSentHash(r.txHash);
                  setPreview(null);
                  setTo('');
                  setAmount('');
                  setFee('');
                  void qc.invalidateQueries({
                    predicate: (x) => String(x.queryKey[0]).startsWith('wallet.'),
                  });
                })
              }
            >
              {t('confirm')}
            </button>
            <button
              className="secondary"
              disabled={a.busy}
              onClick={() => (setPreview(null), a.setError(null))}
            >
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
    </Card>
  );
}

function HistoryCard({ t, address }: { t: T; address: string }) {
  const f = useFormat();
  const [before, setBefore] = useState<string | undefined>(undefined);
  const hist = useQuery({
    ...q('wallet.history', { address, limit: 50, ...(before ? { before } : {}) }),
    retry: false,
  });
  const exp = useAction();
  const noLedger = (hist.error as { code?: string } | null)?.code === 'LEDGER_UNAVAILABLE';
  const me = address.toLowerCase();
  return (
    <Card title={t('history')} testId="wallet-history">
      <div className="page-actions" style={{ marginBottom: 8 }}>
        <button
          className="secondary"
          disabled={exp.busy || noLedger}
          data-testid="history-csv"
          onClick={() =>
            void exp.run(async () => {
              const r = await call('wallet.historyCsv', { address });
              downloadText(r.filename, r.csv);
            })
          }
        >
          {t('exportCsv')}
        </button>
      </div>
      {exp.error ? <ErrorBox error={exp.error} /> : null}
      {noLedger ? (
        <p className="muted">{t('noLedger')}</p>
      ) : hist.error ? (
        <ErrorBox error={hist.error} />
      ) : null}
      {hist.data && hist.data.items.length === 0 ? <p className="muted">{t('noHistory')}</p> : null}
      {hist.data && hist.data.items.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('time')}</th>
              <th>{t('type')}</th>
              <th>{t('direction')}</th>
              <th>{t('counterparty')}</th>
              <th>{t('amount')}</th>
              <th>{t('fee')}</th>
              <th>{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {hist.data.items.map((tx) => {
              const out = tx.from.toLowerCase() === me;
              return (
                <tr key={tx.txHash} title={tx.txHash}>
                  <td className="muted">{tx.timeMs !== null ? f.time(tx.timeMs) : t('pending')}</td>
                  <td>{tx.type}</td>
                  <td>{out ? t('out') : t('in')}</td>
                  <td>
                    <code>{out ? (tx.to ?? '') : tx.from}</code>
                  </td>
                  <td>{tx.amount}</td>
                  <td>{out ? tx.fee : ''}</td>
                  <td>
                    {tx.status}
                    {tx.error ? ` (${tx.error})` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {hist.data?.nextCursor ? (
        <button className="secondary" onClick={() => setBefore(hist.data?.nextCursor ?? undefined)}>
          {t('more')}
        </button>
      ) : null}
    </Card>
  );
}

function BackupCard({ t }: { t: T }) {
  const a = useAction();
  const [pw, setPw] = useState('');
  const [words, setWords] = useState<string[] | null>(null);
  // The phrase stays on screen one minute at most.
  useEffect(() => {
    if (!words) return;
    const h = setTimeout(() => setWords(null), 60_000);
    return () => clearTimeout(h);
  }, [words]);
  return (
    <Card title={t('backup')} testId="wallet-backup">
      <p className="muted">{t('backupHint')}</p>
      {words ? (
        <>
          <ol
            className="mnemonic"
            data-testid="backup-words"
            style={{ columns: 3, fontFamily: 'ui-monospace, monospace' }}
          >
            {words.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ol>
          <button className="secondary" onClick={() => setWords(null)}>
            {t('hide')}
          </button>
        </>
      ) : (
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            void a
              .run(async () => {
                const r = await call('wallet.revealMnemonic', { password: pw });
                setWords(r.mnemonic.split(' '));
              })
              .then(() => setPw(''));
          }}
        >
          <SecretField
            label={t('password')}
            autoComplete="current-password"
            value={pw}
            onChange={setPw}
            testId="backup-password"
          />
          {a.error ? <ErrorBox error={a.error} /> : null}
          <button type="submit" disabled={a.busy || !pw} data-testid="backup-reveal">
            {t('reveal')}
          </button>
        </form>
      )}
    </Card>
  );
}
