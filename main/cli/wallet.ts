import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError, RemoteError } from '../common/errors';
import { workerPath } from '../platform/paths';
import { WalletError } from '../wallet/errors';
import { WorkerKdfRunner } from '../wallet/kdf-runner';
import { type ScryptParams } from '../wallet/kdf';
import { WalletService } from '../wallet/wallet-service';
import { parseFlags } from './args';
import { nodeUrl } from './node-url';

export const summary =
  'the store wallet: wallet create|import|address|balance|send|export-keystore|import-keystore --data-dir D';

const USAGE = `Usage: bin/hotpot wallet <command> --data-dir D [options]

  create           [--words 12|24]            new wallet; prints the recovery phrase ONCE on stdout
  import           [--accounts N]             recovery phrase on stdin
  address          [--index N]                EIP-55 address of account N (default 0)
  balance          [--index N | --address A] [--api URL]   balance in base units, asked from the running node
  send             --to A --amount X [--index N] [--fee F] [--api URL]   through the running node's wallet
  export-keystore  (--index N | --address A) [--out FILE]   Web3 v3 JSON (stdout without --out)
  import-keystore  --file F [--label L]       add one key from a Web3 v3 JSON file

Environment (never flags, so secrets stay out of shell history and process lists):
  HOTPOT_PASSWORD           the wallet password (at least 8 characters for a new wallet)
  HOTPOT_BIP39_PASSPHRASE   the optional BIP39 passphrase (import; and unlock of such a wallet)
  HOTPOT_KEYSTORE_PASSWORD  the password of the Web3 keystore file being imported or exported
  HOTPOT_USER, HOTPOT_USER_PASSWORD   who balance and send sign in to the node as (bin/hotpot users add)
  HOTPOT_ACCESS_TOKEN       the node's access token, when its API listens beyond loopback
balance and send talk to the node running on this data dir (--api, default $HOTPOT_HTTP or http://127.0.0.1:7420):
the ledger lives in that process.
Exit codes: 0 done, 1 refused (message on stderr, e.g. a wrong password or not enough tokens), 2 bad usage, 3 the node is not reachable.
`;

/** `bin/hotpot wallet …`. Returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === 'help') {
    process.stdout.write(USAGE);
    return sub ? 0 : 2;
  }
  try {
    return await dispatch(sub, rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`hotpot wallet ${sub}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof AppError && err.code === 'LEDGER_UNAVAILABLE') {
      process.stderr.write(`hotpot wallet ${sub}: ${err.message}\n`);
      return 3;
    }
    if (err instanceof AppError) {
      process.stderr.write(`hotpot wallet ${sub}: ${err.message} [${err.code}]\n`);
      return err.code === 'BAD_FLAG' ? 2 : 1;
    }
    throw err;
  }
}

class UsageError extends Error {}

const COMMON = { 'data-dir': { type: 'string' } } as const;

/** One `wallet` subcommand: takes its arguments, returns the exit code. */
type Subcommand = (argv: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, Subcommand> = {
  create: walletCreate,
  import: walletImport,
  address: walletAddress,
  balance: walletBalance,
  send: walletSend,
  'export-keystore': walletExportKeystore,
  'import-keystore': walletImportKeystore,
};

async function dispatch(sub: string, argv: string[]): Promise<number> {
  const subcommand = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!subcommand)
    throw new UsageError(`unknown command "${sub}" (known: ${Object.keys(SUBCOMMANDS).join(', ')})`);
  return subcommand(argv);
}

/** `wallet create`: a new wallet; the recovery phrase goes to stdout, once. */
async function walletCreate(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...COMMON, words: { type: 'string', default: '12' } },
    'wallet create',
  );
  const words = Number(values.words);
  if (words !== 12 && words !== 24) throw new UsageError(`--words must be 12 or 24, got ${values.words}`);
  const wallet = open(values['data-dir']);
  const { mnemonic, status } = await wallet.create({ words, password: env('HOTPOT_PASSWORD') });
  process.stderr.write(
    `Created a wallet in ${wallet.keystoreFile}.\nThe ${words}-word recovery phrase follows on stdout. It is shown this once: write it down on paper and keep it safe.\nAnyone with it controls the wallet; without it (and the password) nobody can restore it.\nAccount 0: ${status.accounts[0]?.address ?? '?'}\n`,
  );
  process.stdout.write(`${mnemonic}\n`);
  return 0;
}

/** `wallet import`: the recovery phrase from stdin becomes the wallet; prints its accounts. */
async function walletImport(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...COMMON, accounts: { type: 'string', default: '1' } },
    'wallet import',
  );
  const accounts = positiveInt(values.accounts, '--accounts');
  const wallet = open(values['data-dir']);
  if (process.stdin.isTTY)
    process.stderr.write('Type or paste the recovery phrase, then press Enter and Ctrl-D:\n');
  const mnemonic = await readStdin();
  const passphrase = process.env['HOTPOT_BIP39_PASSPHRASE'] ?? '';
  const status = await wallet.importMnemonic({
    mnemonic,
    passphrase,
    password: env('HOTPOT_PASSWORD'),
    accounts,
  });
  process.stderr.write(
    `Imported the wallet into ${wallet.keystoreFile}${passphrase ? ' (with a BIP39 passphrase: you will need it again to unlock)' : ''}.\n`,
  );
  for (const a of status.accounts) process.stdout.write(`${a.index}\t${a.address}\n`);
  return 0;
}

/** `wallet address`: the EIP-55 address of HD account `--index`. */
async function walletAddress(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...COMMON, index: { type: 'string', default: '0' } },
    'wallet address',
  );
  const wallet = await unlocked(values['data-dir']);
  process.stdout.write(`${await wallet.addressAt(nonNegativeInt(values.index, '--index'))}\n`);
  return 0;
}

/** `wallet balance`: an account's balance, asked from the running node. */
async function walletBalance(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...COMMON, index: { type: 'string' }, address: { type: 'string' }, api: { type: 'string' } },
    'wallet balance',
  );
  const dataDir = dataDirOf(values['data-dir']);
  const api = nodeUrl(values.api);
  const address =
    values.address ??
    (await (await unlocked(dataDir)).addressAt(nonNegativeInt(values.index ?? '0', '--index')));
  const r = await rpc<{ balance: string }>(api, 'wallet.balance', { address });
  process.stdout.write(`${r.balance}\n`);
  return 0;
}

/** `wallet send`: a transfer, previewed and sent by the running node's wallet; prints its hash. */
async function walletSend(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      ...COMMON,
      to: { type: 'string' },
      amount: { type: 'string' },
      fee: { type: 'string' },
      index: { type: 'string', default: '0' },
      api: { type: 'string' },
    },
    'wallet send',
  );
  if (!values.to || !values.amount) throw new UsageError('--to and --amount are required');
  const dataDir = dataDirOf(values['data-dir']);
  const api = nodeUrl(values.api);
  const amount = bigintOf(values.amount, '--amount').toString();
  const fee = values.fee ? bigintOf(values.fee, '--fee').toString() : undefined;
  // The key check happens here first (a wrong password fails without touching the node), then the
  // node's own wallet (same keystore file) signs: the ledger and mempool live in that process.
  const from = await (await unlocked(dataDir)).addressAt(nonNegativeInt(values.index, '--index'));
  const before = await rpc<{ state: string }>(api, 'wallet.status', {});
  if (before.state !== 'unlocked') {
    await rpc(api, 'wallet.unlock', {
      password: env('HOTPOT_PASSWORD'),
      ...(process.env['HOTPOT_BIP39_PASSPHRASE']
        ? { passphrase: process.env['HOTPOT_BIP39_PASSPHRASE'] }
        : {}),
    });
  }
  try {
    const p = await rpc<{
      previewId: string;
      amount: string;
      fee: string;
      nonce: number;
      total: string;
      chainId: string;
    }>(api, 'wallet.previewSend', { from, to: values.to, amount, ...(fee ? { fee } : {}) });
    process.stderr.write(
      `Sending ${p.amount} from ${from} to ${values.to} (fee ${p.fee}, nonce ${p.nonce}, total ${p.total}, chain ${p.chainId})\n`,
    );
    const { txHash } = await rpc<{ txHash: string }>(api, 'wallet.send', { previewId: p.previewId });
    process.stdout.write(`${txHash}\n`);
  } finally {
    if (before.state !== 'unlocked') await rpc(api, 'wallet.lock', {}).catch(() => undefined);
  }
  return 0;
}

/** `wallet export-keystore`: one account as Web3 v3 JSON, to `--out` or stdout. */
async function walletExportKeystore(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...COMMON, index: { type: 'string' }, address: { type: 'string' }, out: { type: 'string' } },
    'wallet export-keystore',
  );
  const dataDir = dataDirOf(values['data-dir']);
  const wallet = open(dataDir);
  const exportPassword = env('HOTPOT_KEYSTORE_PASSWORD');
  let address = values.address;
  if (!address) {
    const index = nonNegativeInt(values.index ?? '0', '--index');
    address = (await unlocked(dataDir, wallet))
      .accounts()
      .find((a) => a.type === 'hd' && a.index === index)?.address;
    if (!address)
      throw new WalletError(
        'UNKNOWN_ACCOUNT',
        `account ${index} is not in the wallet yet; run "wallet address --index ${index}" first`,
      );
  }
  if (values.out && existsSync(values.out))
    throw new UsageError(`${values.out} exists; choose another --out (nothing was written)`);
  const json = await wallet.exportWeb3Keystore({
    address,
    password: env('HOTPOT_PASSWORD'),
    exportPassword,
    passphrase: process.env['HOTPOT_BIP39_PASSPHRASE'] ?? '',
  });
  if (values.out) {
    writeFileSync(values.out, `${json}\n`, { mode: 0o600, flag: 'wx' });
    process.stderr.write(
      `Wrote the Web3 keystore of ${address} to ${resolve(values.out)} (encrypted with HOTPOT_KEYSTORE_PASSWORD).\n`,
    );
  } else {
    process.stdout.write(`${json}\n`);
  }
  return 0;
}

/** `wallet import-keystore`: adds one key from a Web3 v3 file (or makes a wallet of it); prints its address. */
async function walletImportKeystore(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...COMMON, file: { type: 'string' }, label: { type: 'string' } },
    'wallet import-keystore',
  );
  if (!values.file) throw new UsageError('--file is required');
  const dataDir = dataDirOf(values['data-dir']);
  let json: string;
  try {
    json = readFileSync(values.file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${values.file}: ${(err as Error).message}`);
  }
  const wallet = open(dataDir);
  const password = env('HOTPOT_PASSWORD');
  if (wallet.status().state !== 'none') await unlocked(dataDir, wallet);
  const acct = await wallet.importWeb3Keystore({
    json,
    filePassword: env('HOTPOT_KEYSTORE_PASSWORD'),
    password,
    ...(values.label ? { label: values.label } : {}),
  });
  process.stdout.write(`${acct.address}\n`);
  return 0;
}

/** The session cookie of the person the CLI signed in as (HOTPOT_USER), once signed in. */
let sessionCookie: string | undefined;

/**
 * Calls a method of the running node's API (the same contract the UI uses) and unwraps the envelope.
 * The node answers only a signed-in person: the first call signs in as HOTPOT_USER with
 * HOTPOT_USER_PASSWORD, and every call carries that session.
 */
async function rpc<T = unknown>(api: string, name: string, input: unknown): Promise<T> {
  sessionCookie ??= await signIn(api);
  try {
    return (await post(api, name, input, sessionCookie)).value as T;
  } catch (err) {
    if (err instanceof RemoteError && err.code === 'UNAUTHORIZED' && !sessionCookie)
      throw new UsageError(
        'set HOTPOT_USER and HOTPOT_USER_PASSWORD: the node answers only a signed-in person (bin/hotpot users add)',
      );
    throw err;
  }
}

/** Signs in as HOTPOT_USER; without one, calls go unsigned (and the node says what it needs). */
async function signIn(api: string): Promise<string> {
  const username = process.env['HOTPOT_USER'];
  if (!username) return '';
  const { res } = await post(api, 'auth.signIn', { username, password: env('HOTPOT_USER_PASSWORD') }, '');
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hotpot_session='));
  if (!cookie) throw new WalletError('LEDGER_UNAVAILABLE', `the node at ${api} signed in without a session`);
  return cookie.split(';')[0]!;
}

async function post(
  api: string,
  name: string,
  input: unknown,
  cookie: string,
): Promise<{ res: Response; value: unknown }> {
  const token = process.env['HOTPOT_ACCESS_TOKEN'];
  let res: Response;
  try {
    res = await fetch(new URL(`/rpc/${name}`, api), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(cookie ? { Cookie: cookie } : {}),
      },
      body: JSON.stringify(input),
    });
  } catch (err) {
    throw new WalletError(
      'LEDGER_UNAVAILABLE',
      `cannot reach the node at ${api} (${(err as Error).message}); balance and send need it running: bin/hotpot start --data-dir D (or pass --api URL)`,
    );
  }
  let env: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  try {
    env = (await res.json()) as typeof env;
  } catch {
    throw new WalletError(
      'LEDGER_UNAVAILABLE',
      `the node at ${api} answered ${res.status} without an API envelope; is --api the node's UI address?`,
    );
  }
  if (!env.ok)
    throw new RemoteError({
      name: 'RemoteError',
      code: env.error?.code ?? 'INTERNAL',
      message: env.error?.message ?? 'unknown error',
      data: {},
    });
  return { res, value: env.value };
}

function dataDirOf(dir: string | undefined): string {
  if (!dir) throw new UsageError('--data-dir is required');
  return dir;
}

function open(dir: string | undefined): WalletService {
  const dataDir = dataDirOf(dir);
  const kdf = testKdf();
  return new WalletService(
    { dataDir, ...(kdf ? { kdf, allowWeakKdf: true } : {}) },
    {
      kdf: new WorkerKdfRunner({ workerFile: () => workerPath('kdf') }),
      random: (n) => new Uint8Array(randomBytes(n)),
      now: Date.now,
      timers: {
        setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
        clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      },
    },
  );
}

async function unlocked(dir: string | undefined, wallet = open(dir)): Promise<WalletService> {
  if (!wallet.isUnlocked())
    await wallet.unlock({
      password: env('HOTPOT_PASSWORD'),
      passphrase: process.env['HOTPOT_BIP39_PASSPHRASE'] ?? '',
    });
  return wallet;
}

/** Tests only: HOTPOT_TEST_SCRYPT_N lowers the scrypt cost of keystores this process writes (with a warning). */
function testKdf(): ScryptParams | undefined {
  const n = process.env['HOTPOT_TEST_SCRYPT_N'];
  if (!n) return undefined;
  process.stderr.write(
    `WARNING: HOTPOT_TEST_SCRYPT_N=${n} weakens the keystore's scrypt cost; it is for tests only\n`,
  );
  return { N: Number(n), r: 8, p: 1 };
}

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '')
    throw new UsageError(`set ${name} in the environment (secrets are never taken from flags)`);
  return v;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const c of process.stdin) {
    const b = c as Buffer;
    bytes += b.length;
    if (bytes > 4096)
      throw new UsageError('stdin is longer than any recovery phrase (4 KiB); pass only the phrase');
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  for (const c of chunks) c.fill(0);
  if (!text.trim()) throw new UsageError('no recovery phrase on stdin');
  return text;
}

function nonNegativeInt(s: string, flag: string): number {
  if (!/^\d{1,10}$/.test(s) || Number(s) > 0x7fffffff)
    throw new UsageError(`${flag} must be a whole number from 0 to 2147483647, got ${JSON.stringify(s)}`);
  return Number(s);
}

function positiveInt(s: string, flag: string): number {
  const n = nonNegativeInt(s, flag);
  if (n < 1) throw new UsageError(`${flag} must be at least 1`);
  return n;
}

function bigintOf(s: string, flag: string): bigint {
  if (!/^(0|[1-9]\d{0,37})$/.test(s))
    throw new UsageError(`${flag} must be a whole number of base units, got ${JSON.stringify(s)}`);
  return BigInt(s);
}
