/**
 * The frame of a command with subcommands that talks to a running node (`franchise`, `royalty`,
 * `sales`): `--help`, the subcommand table, and one exit code per kind of failure — 2 for a wrong
 * command line, 3 when the node cannot be reached, 1 when the node refused.
 */
import { AppError } from '../common/errors';
import { NodeUnreachableError, RestClient, apiBase } from './rest-client';

/** A wrong command line (exit 2). */
export class UsageError extends AppError<'BAD_FLAG'> {
  constructor(message: string) {
    super('BAD_FLAG', message);
  }
}

/**
 * Runs `argv`'s subcommand from `table`; prints `usage` for `--help` (exit 0) or no subcommand (exit 2).
 * `onRefused` may print more of a refusal (e.g. the rows at fault) after its message.
 */
export async function runSubcommand(
  command: string,
  usage: string,
  argv: string[],
  table: Record<string, (rest: string[]) => Promise<number>>,
  onRefused: (err: AppError) => void = () => undefined,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === 'help' || rest.includes('--help')) {
    process.stdout.write(usage);
    return sub ? 0 : 2;
  }
  try {
    const run = Object.hasOwn(table, sub) ? table[sub] : undefined;
    if (!run)
      throw new UsageError(`unknown command "${sub}" (known: ${Object.keys(table).join(', ')}; see --help)`);
    return await run(rest);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const plain = err.code === 'BAD_FLAG' || err instanceof NodeUnreachableError;
    process.stderr.write(`hotpot ${command} ${sub}: ${err.message}${plain ? '' : ` [${err.code}]`}\n`);
    if (err.code === 'BAD_FLAG') return 2;
    if (err instanceof NodeUnreachableError) return 3;
    onRefused(err);
    return 1;
  }
}

/** A REST client for `--api` (else `$HOTPOT_HTTP`, else the local default); a bad URL is a `UsageError`. */
export function restClientFor(api: string | undefined, env: NodeJS.ProcessEnv = process.env): RestClient {
  const base = apiBase(api, env);
  if (!base)
    throw new UsageError(`--api must be a URL such as http://127.0.0.1:7420, got ${JSON.stringify(api)}`);
  return new RestClient(base, env);
}
