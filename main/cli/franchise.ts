/**
 * `bin/hotpot franchise register|update|list|register-peer`: HQ's franchise registry through a running node's REST
 * API (`/api/v1/franchises`). Writes are chain transactions the node signs with its key, which must
 * be the chain's HQ authority, so they go to HQ's node; the data dir's ledger is that process's.
 */
import type { FranchiseChange, FranchisePage, FranchiseView, PeerRegistration } from '../contract/franchise';
import { parseFlags } from './args';
import { CREDENTIALS_HELP } from './rest-client';
import { UsageError, restClientFor, runSubcommand } from './subcommands';

export const summary =
  "HQ's franchise stores and their nodes: franchise register|update|list|register-peer [--api URL]";

const USAGE = `Usage: bin/hotpot franchise <command> [options] [--api URL] [--json]

  list      [--status active|inactive|suspended]
            every store with its status, place, currency, royalty and the sales the chain recorded
  register  --id ID --owner 0xADDRESS --city C --region R --currency CUR --royalty-bps N
            [--validator-reward-bps N] [--tokens-per-minor-unit N] [--status S]
            a new store (hq-admin; answered once its transaction is committed)
  update    --id ID [--status S] [--city C] [--region R] [--owner 0xADDRESS] [--currency CUR]
            [--royalty-bps N] [--validator-reward-bps N] [--tokens-per-minor-unit N]
            change the named fields of a store (hq-admin)
  register-peer --peer-id ID [--retire]
            let a store's node connect: its libp2p peer id (the node logs it as peerId in "network
            started"; the API's network.addresses gives it) joins the chain's allowed peers; --retire
            removes it (hq-admin; on a chain whose genesis lists peerIds only listed and registered
            peers connect)

  --api URL   the node (default $HOTPOT_HTTP or http://127.0.0.1:7420)
  --json      print the API's JSON instead of a table

Rates are basis points (500 = 5%). Defaults for register: status active, validator reward 100 bps,
1 token base unit per minor currency unit.
${CREDENTIALS_HELP}
Exit codes: 0 done, 1 refused (the problem's message and code on stderr), 2 bad usage, 3 the node is not reachable.
`;

const COMMON = { api: { type: 'string' }, json: { type: 'boolean' } } as const;
const FIELDS = {
  id: { type: 'string' },
  status: { type: 'string' },
  city: { type: 'string' },
  region: { type: 'string' },
  owner: { type: 'string' },
  currency: { type: 'string' },
  'royalty-bps': { type: 'string' },
  'validator-reward-bps': { type: 'string' },
  'tokens-per-minor-unit': { type: 'string' },
} as const;

/** `bin/hotpot franchise …`. Returns the exit code. */
export function run(argv: string[]): Promise<number> {
  return runSubcommand('franchise', USAGE, argv, {
    list,
    register: (rest) => write('register', rest),
    update: (rest) => write('update', rest),
    'register-peer': registerPeer,
  });
}

async function registerPeer(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...COMMON, 'peer-id': { type: 'string' }, retire: { type: 'boolean' } },
    'franchise register-peer',
  );
  if (!values['peer-id']) throw new UsageError('--peer-id is required');
  const reg = await restClientFor(values.api).request<PeerRegistration>('POST', '/api/v1/peers', {
    peerId: values['peer-id'],
    active: values.retire !== true,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(reg, null, 2)}\n`);
  else
    process.stdout.write(
      `${reg.active ? 'registered' : 'retired'} peer ${reg.peerId} in block ${reg.tx.height}, tx ${reg.tx.hash}\n`,
    );
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { ...COMMON, status: FIELDS.status }, 'franchise list');
  const rest = restClientFor(values.api);
  const items: FranchiseView[] = [];
  let after: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '1000' });
    if (values.status) q.set('status', values.status);
    if (after) q.set('after', after);
    const page: FranchisePage = await rest.request<FranchisePage>(
      'GET',
      `/api/v1/franchises?${q.toString()}`,
    );
    items.push(...page.items);
    after = page.nextAfter;
  } while (after);
  if (values.json) process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
  else process.stdout.write(table(items));
  return 0;
}

async function write(what: 'register' | 'update', argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { ...COMMON, ...FIELDS }, `franchise ${what}`);
  if (!values.id) throw new UsageError('--id is required');
  const tokenomics = {
    currency: values.currency,
    royaltyBps: whole(values['royalty-bps']),
    validatorRewardBps: whole(values['validator-reward-bps']),
    tokensPerMinorUnit: values['tokens-per-minor-unit'],
  };
  const fields = { status: values.status, city: values.city, region: values.region, owner: values.owner };
  const rest = restClientFor(values.api);
  let change: FranchiseChange;
  if (what === 'register') {
    for (const flag of ['owner', 'city', 'region', 'currency', 'royalty-bps'] as const)
      if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
    change = await rest.request<FranchiseChange>('POST', '/api/v1/franchises', {
      id: values.id,
      ...defined(fields),
      tokenomics: {
        validatorRewardBps: 100,
        tokensPerMinorUnit: '1',
        ...defined(tokenomics),
      },
    });
  } else {
    const t = defined(tokenomics);
    const body = { ...defined(fields), ...(Object.keys(t).length ? { tokenomics: t } : {}) };
    if (Object.keys(body).length === 0)
      throw new UsageError(
        'name at least one field to change (--status, --city, --region, --owner, --currency, …)',
      );
    change = await rest.request<FranchiseChange>(
      'PATCH',
      `/api/v1/franchises/${encodeURIComponent(values.id)}`,
      body,
    );
  }
  if (values.json) process.stdout.write(`${JSON.stringify(change, null, 2)}\n`);
  else
    process.stdout.write(
      `${what === 'register' ? 'registered' : 'updated'} ${change.franchise.id} (${change.franchise.status}) in block ${change.tx.height}, tx ${change.tx.hash}\n`,
    );
  return 0;
}

/** A flag's value as a number when it is a whole decimal; as given otherwise (the API says what is wrong). */
function whole(v: string | undefined): number | string | undefined {
  return v !== undefined && /^-?[0-9]{1,9}$/.test(v) ? Number(v) : v;
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The stores as aligned columns; amounts in major units of each store's currency. */
function table(items: FranchiseView[]): string {
  const head = ['ID', 'STATUS', 'CITY', 'REGION', 'CURRENCY', 'ROYALTY', 'ORDERS', 'SALES', 'ROYALTY MINTED'];
  const rows = items.map((f) => [
    f.id,
    f.status,
    f.city,
    f.region,
    f.tokenomics.currency,
    `${(f.tokenomics.royaltyBps / 100).toFixed(2)}%`,
    String(f.sales.orders),
    major(f.sales.amountMinor, f.tokenomics.currency),
    f.sales.royaltyMinted,
  ]);
  if (rows.length === 0) return 'no franchises registered\n';
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return (
    [head, ...rows]
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Minor units as a decimal amount in `currency`'s own fraction digits (2 for USD, 0 for JPY). */
function major(amountMinor: string, currency: string): string {
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
  } catch {
    // An unknown code: two digits, as most currencies have.
  }
  if (digits === 0) return amountMinor;
  const padded = amountMinor.padStart(digits + 1, '0');
  return `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}
