/**
 * `bin/hotpot royalty statement`: a running node's royalty statement of a month or a year, by day,
 * week or month, as CSV (RFC 4180) on stdout or in a file, or as JSON.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { RoyaltyStatement } from '../contract/royalties';
import { statementCsv } from '../sales/royalty-statement';
import { parseFlags } from './args';
import { CREDENTIALS_HELP } from './rest-client';
import { UsageError, restClientFor, runSubcommand } from './subcommands';

export const summary =
  'royalty statements: royalty statement --period 2026-11 [--by day|week|month] [--out FILE]';

const USAGE = `Usage: bin/hotpot royalty statement --period YYYY-MM|YYYY [--by day|week|month] [--utc-offset ±HH:MM]
                                     [--out FILE] [--json] [--api URL]

  --period      a month (2026-11) or a year (2026)
  --by          one row per day (default), week (from Monday) or month
  --utc-offset  where the store's days begin (default: this computer's offset)
  --out FILE    write the CSV there (default: stdout)
  --json        print the statement as JSON instead of CSV
  --api URL     the node (default $HOTPOT_HTTP or http://127.0.0.1:7420)

Columns: period, from, to, currency, orders, gross_minor, refunded_minor, royalty_bps,
royalty_owed_minor, paid_minor (transfers to HQ in final blocks), outstanding_minor (from before the period on).

${CREDENTIALS_HELP}
`;

const FLAGS = {
  period: { type: 'string' },
  by: { type: 'string' },
  'utc-offset': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  api: { type: 'string' },
} as const;

/** `bin/hotpot royalty …`. Returns the exit code. */
export function run(argv: string[]): Promise<number> {
  return runSubcommand('royalty', USAGE, argv, { statement });
}

async function statement(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS, 'royalty statement');
  const period = values.period;
  if (!period || !/^[0-9]{4}(-(0[1-9]|1[0-2]))?$/.test(period))
    throw new UsageError('--period is required: a month as YYYY-MM or a year as YYYY');
  const by = values.by ?? 'day';
  if (!['day', 'week', 'month'].includes(by))
    throw new UsageError(`--by must be day, week or month, got "${by}"`);
  const offset = values['utc-offset'] === undefined ? localOffset(period) : parseOffset(values['utc-offset']);
  const q = new URLSearchParams({ period, by, utcOffsetMinutes: String(offset) });
  const s = await restClientFor(values.api).request<RoyaltyStatement>(
    'GET',
    `/api/v1/royalties/statement?${q}`,
  );
  const text = values.json ? `${JSON.stringify(s, null, 2)}\n` : statementCsv(s);
  if (values.out) {
    const tmp = `${values.out}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, values.out);
    process.stderr.write(
      `wrote ${s.rows.length} rows to ${values.out}: gross ${s.totals.grossMinor}, owed ${s.totals.royaltyOwedMinor}, paid ${s.totals.paidMinor}, outstanding ${s.totals.outstandingMinor} (${s.currency} minor units)\n`,
    );
  } else process.stdout.write(text);
  return 0;
}

/** This computer's offset east of UTC on the first day of `period`, minutes. */
function localOffset(period: string): number {
  const [y, m] = period.split('-').map(Number) as [number, number | undefined];
  return -new Date(y, (m ?? 1) - 1, 1).getTimezoneOffset();
}

function parseOffset(text: string): number {
  const m = /^([+-])([01][0-9]|2[0-3]|14):?([0-5][0-9])$/.exec(text);
  if (!m) throw new UsageError(`--utc-offset must look like +03:00 or -05:00, got "${text}"`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}
