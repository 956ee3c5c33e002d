/** `bin/hotpot pos …`: simulated POS tills posting realistic hot-pot orders to a node, and their keys. */
import { resolve } from 'node:path';
import { AppError } from '../common/errors';
import { MAX_SALES_PER_POST } from '../contract/sales';
import { SIM_CURRENCIES, type SimCurrency } from '../sales/simulator/menu';
import { parseFlags } from './args';
import { nodeUrl } from './node-url';
import { makePosKey } from './pos-key';
import { type SimulateOptions, simulate } from './pos-simulate';
import { summaryText } from './pos-stats';

export const summary =
  'simulated POS tills: pos simulate --terminals N --rate R --duration D | pos key --data-dir D';

const USAGE = `Usage: bin/hotpot pos <command> [options]

  simulate  --terminals N --rate R --duration D [--api URL] [--key K | --data-dir D]
            [--currency USD|RUB] [--seed S] [--batch B] [--drain D] [--json]
      N tills (till-1 … till-N) post realistic hot-pot orders (broths, meats, seafood, vegetables,
      noodles, sauces, drinks; lunch and dinner party sizes; card, cash, phone…; ~30% loyalty cards
      of returning regulars; occasional discounts; ~2% refunds) to POST /api/v1/sales at R sales a
      second in all, for D (30s, 5m, 1h). Each till posts its orders in the order it closed them,
      gathering up to B sales per request (default 1, at most ${MAX_SALES_PER_POST}; waiting at most a second for
      them), and each refund after its sale.
      A network error, timeout, 429 (after its Retry-After) or 5xx is sent again, the same order
      with the same content, with backoff; the node's idempotency makes that safe. After D, what is
      not yet acknowledged is resent for up to --drain (default 30s); whatever is still not
      acknowledged then is counted and named, never dropped silently. A progress line every 5 s on
      stderr; a summary at the end (one JSON object with --json). Ctrl-C stops new orders and
      drains; twice gives up at once. Order ids are <run>-<till>-<n>, the run made of the seed
      (default 1) and the start time: the same seed sells the same orders, under new ids.
  key       --data-dir D [--name NAME]
      makes an API key with scope pos:write in the node's database (running or not), writes its
      secret once on stdout, and records the act in the audit log. Revoke it on the Settings page.

--api     the node (default $HOTPOT_HTTP, else http://127.0.0.1:7420)
--key     an API key with scope pos:write, or a bearer token made from one; better in the
          environment as HOTPOT_API_KEY (flags show in process lists). Without one, --data-dir D
          makes one for the run in D's node.db (as pos key does).
Exit codes: 0 every sale and refund acknowledged, 1 some were refused or never acknowledged (the
summary names them), 2 bad usage, 3 the node was never reached.
`;

class UsageError extends AppError<'BAD_FLAG'> {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('BAD_FLAG', message);
  }
}

/** `bin/hotpot pos …`. Returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE);
    return sub ? 0 : 2;
  }
  try {
    if (sub === 'simulate') return await posSimulate(rest);
    if (sub === 'key') return await posKey(rest);
    process.stderr.write(`hotpot pos: unknown command "${sub}" (known: simulate, key)\n`);
    return 2;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const what = err.message.startsWith(`pos ${sub}: `) ? err.message : `pos ${sub}: ${err.message}`;
    process.stderr.write(`hotpot ${what}\n`);
    return err.code === 'BAD_FLAG' ? 2 : 1;
  }
}

async function posSimulate(argv: string[]): Promise<number> {
  const opts = await simulateOptions(argv);
  if (!opts) return 2;
  const { json, ...options } = opts;
  let interrupts = 0;
  const result = await simulate(options, {
    progress: (line) => process.stderr.write(`pos simulate ${line}\n`),
    onInterrupt: (handler) => {
      process.on('SIGINT', () => {
        if (++interrupts > 2) process.exit(130);
        handler();
      });
    },
  });
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : summaryText(result));
  if (!result.ok && result.requests.total > 0 && result.requests.network_errors === result.requests.total) {
    process.stderr.write(
      `hotpot pos simulate: never reached the node at ${options.api}; is it running? (bin/hotpot start, or pass --api URL)\n`,
    );
    return 3;
  }
  return result.ok ? 0 : 1;
}

/** The flags of `pos simulate`, checked; undefined (after saying why) when there is no key. */
async function simulateOptions(argv: string[]): Promise<(SimulateOptions & { json: boolean }) | undefined> {
  const { values } = parseFlags(
    argv,
    {
      terminals: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      api: { type: 'string' },
      key: { type: 'string' },
      'data-dir': { type: 'string' },
      currency: { type: 'string', default: 'USD' },
      seed: { type: 'string', default: '1' },
      batch: { type: 'string', default: '1' },
      drain: { type: 'string', default: '30s' },
      json: { type: 'boolean', default: false },
    },
    'pos simulate',
  );
  const terminals = wholeNumber(required(values.terminals, '--terminals'), '--terminals', 1, 10_000);
  const ratePerS = positive(required(values.rate, '--rate'), '--rate');
  const durationMs = durationOf(required(values.duration, '--duration'), '--duration');
  const currency = currencyOf(values.currency);
  const seed = wholeNumber(values.seed, '--seed', 0, 0xffffffff);
  const batch = wholeNumber(values.batch, '--batch', 1, MAX_SALES_PER_POST);
  const drainMs = durationOf(values.drain, '--drain');
  const api = nodeUrl(values.api);
  const runTag = `s${seed}-${Date.now().toString(36)}`;
  const key = values.key || process.env['HOTPOT_API_KEY'] || (await keyForRun(values['data-dir'], runTag));
  if (!key) {
    process.stderr.write(NO_KEY);
    return undefined;
  }
  return {
    api,
    key,
    terminals,
    ratePerS,
    durationMs,
    currency,
    seed,
    batch,
    drainMs,
    runTag,
    json: values.json,
  };
}

const NO_KEY = `hotpot pos simulate: no API key. The node takes sales only from a key with scope pos:write:
  bin/hotpot pos key --data-dir D        makes one in the node's database (running or not), or
  Settings → API keys in the app, or keys.create through the API (an owner);
then pass it as HOTPOT_API_KEY=hps_… (or --key). Or add --data-dir D to make one for this run.
`;

/** A key made in the data dir for this run, when a data dir was given. */
async function keyForRun(dataDir: string | undefined, runTag: string): Promise<string | undefined> {
  if (!dataDir) return undefined;
  const { id, secret } = await makePosKey(resolve(dataDir), `pos simulator ${runTag}`);
  process.stderr.write(
    `pos simulate: made API key ${id} (pos:write) in ${dataDir}; reuse it as HOTPOT_API_KEY, revoke it on the Settings page\n`,
  );
  return secret;
}

async function posKey(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { 'data-dir': { type: 'string' }, name: { type: 'string', default: 'pos till' } },
    'pos key',
  );
  const dataDir = required(values['data-dir'], '--data-dir');
  const name = values.name.trim();
  if (name.length < 1 || name.length > 64) throw new UsageError('--name must be 1 to 64 characters');
  const { id, secret } = await makePosKey(resolve(dataDir), name);
  process.stderr.write(
    `made API key ${id} "${name}" with scope pos:write; its secret follows on stdout, shown this once\n`,
  );
  process.stdout.write(`${secret}\n`);
  return 0;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined) throw new UsageError(`${flag} is required (bin/hotpot pos --help)`);
  return value;
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

function positive(text: string, flag: string): number {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(n > 0 && n <= 1_000_000))
    throw new UsageError(`${flag} must be a number of sales a second above 0, got ${JSON.stringify(text)}`);
  return n;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `500ms`, `30s`, `5m`, `1h` (a bare number is seconds), as ms. */
export function durationOf(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[(m[2] ?? 's') as keyof typeof UNIT_MS] : NaN;
  if (!(ms >= 0 && ms <= 7 * 86_400_000))
    throw new UsageError(`${flag} must be a duration such as 30s, 5m or 1h, got ${JSON.stringify(text)}`);
  return Math.round(ms);
}

function currencyOf(text: string): SimCurrency {
  const c = text.toUpperCase();
  if (!(SIM_CURRENCIES as readonly string[]).includes(c))
    throw new UsageError(
      `--currency must be one the menu is priced in (${SIM_CURRENCIES.join(', ')}), got ${JSON.stringify(text)}`,
    );
  return c as SimCurrency;
}
