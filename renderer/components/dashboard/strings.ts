/** The dashboard's cards and alerts, in English and Russian. Each alert says what to do. */
import { defineStrings } from '../../i18n';

export const DASHBOARD_STRINGS = defineStrings({
  en: {
    todaySales: "Today's sales",
    revenue: 'Revenue',
    orders: 'Orders',
    vsWeekday: 'vs {weekday} last week, same hours',
    openSales: 'Open the Sales page',
    cameras: 'Cameras',
    camerasUp: 'Up',
    camerasDown: 'Down',
    camerasStopped: 'Stopped',
    noCameras: 'No cameras yet: add them on the Video page.',
    wallet: 'Wallet',
    balance: 'Balance (base units)',
    accounts: 'Accounts',
    walletNone: 'No wallet yet: create one on the Tokens page.',
    walletLocked: 'locked',
    walletUnlocked: 'unlocked',
    walletDamaged: 'damaged: see the Tokens page',
    noLedger: 'the ledger cannot say yet',
    alerts: 'Alerts',
    allClear: 'All clear: sales reach the chain, every camera is up, and the node has peers.',
    queueErrorTitle: 'Sales are not reaching the chain',
    queueErrorDo:
      'The last batch failed: {error}. The node tries again by itself; if this stays, check on the Network page that blocks are being made, and read the log in Settings.',
    queueStuckTitle: 'The sales queue is not draining',
    queueStuckDo:
      '{count} sales have waited for the chain for {wait}. Check on the Network page that the node is in sync and blocks are final. The sales are safe on this node and go out once the chain moves.',
    cameraDownTitle: 'Camera “{name}” is down ({state})',
    cameraDownDo:
      '{message} Check its power and network cable; if its password changed, update it on the Video page.',
    'state-offline': 'offline',
    'state-auth-failed': 'wrong password',
    'state-error': 'error',
    noPeersTitle: 'No peers',
    noPeersDo:
      'This node sees no other node, so blocks and sales reach no one else. Check the network cable and the router, then the Network page.',
  },
  ru: {
    todaySales: 'Продажи за сегодня',
    revenue: 'Выручка',
    orders: 'Заказы',
    vsWeekday: 'к прошлой неделе ({weekday}), те же часы',
    openSales: 'Открыть продажи',
    cameras: 'Камеры',
    camerasUp: 'Работают',
    camerasDown: 'Не работают',
    camerasStopped: 'Остановлены',
    noCameras: 'Камер пока нет: добавьте их на странице «Видео».',
    wallet: 'Кошелёк',
    balance: 'Баланс (базовые единицы)',
    accounts: 'Счета',
    walletNone: 'Кошелька пока нет: создайте его на странице «Токены».',
    walletLocked: 'заблокирован',
    walletUnlocked: 'разблокирован',
    walletDamaged: 'повреждён: см. страницу «Токены»',
    noLedger: 'реестр пока не отвечает',
    alerts: 'Предупреждения',
    allClear: 'Всё в порядке: продажи уходят в блокчейн, камеры работают, у узла есть соседи.',
    queueErrorTitle: 'Продажи не попадают в блокчейн',
    queueErrorDo:
      'Последняя партия не прошла: {error}. Узел повторит сам; если ошибка не уходит, проверьте на странице «Сеть», что блоки создаются, и посмотрите журнал в «Настройках».',
    queueStuckTitle: 'Очередь продаж не уходит',
    queueStuckDo:
      'Продаж в очереди: {count}, ждут блокчейна уже {wait}. Проверьте на странице «Сеть», что узел синхронизирован и блоки становятся окончательными. Продажи сохранены на этом узле и уйдут, как только сеть двинется.',
    cameraDownTitle: 'Камера «{name}» не работает ({state})',
    cameraDownDo:
      '{message} Проверьте питание и сетевой кабель; если сменился пароль, обновите его на странице «Видео».',
    'state-offline': 'нет связи',
    'state-auth-failed': 'неверный пароль',
    'state-error': 'ошибка',
    noPeersTitle: 'Нет соседей',
    noPeersDo:
      'Узел не видит других узлов, поэтому блоки и продажи никуда не уходят. Проверьте сетевой кабель и роутер, затем страницу «Сеть».',
  },
});
