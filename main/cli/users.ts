import { AccessService } from '../access/access-service';
import { nodeDatabase } from '../app/app-components';
import { AppError } from '../common/errors';
import { Role, ROLES } from '../contract/access';
import { NewPassword, Username } from '../contract/auth';
import { describeIssues } from '../api/router';
import { parseFlags } from './args';

export const summary = 'people who may sign in: users add|list --data-dir D';

const USAGE = `Usage: bin/hotpot users <command> --data-dir D [options]

  add   --username NAME --role ROLE [--role ROLE]   a person who may sign in (the first start needs an owner)
  list                                             everyone, with their roles and whether they are disabled

Roles: ${ROLES.join(', ')}.
The password comes from HOTPOT_USER_PASSWORD, or else the first line of stdin (never a flag, so it
stays out of shell history and process lists); at least 10 characters.
Works whether or not the node is running on the data dir.
Exit codes: 0 done, 1 refused (e.g. the name is taken), 2 bad usage.
`;

/** `bin/hotpot users …`. Returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === 'help') {
    process.stdout.write(USAGE);
    return sub ? 0 : 2;
  }
  try {
    if (sub === 'add') return await usersAdd(rest);
    if (sub === 'list') return await usersList(rest);
    process.stderr.write(`hotpot users: unknown command "${sub}" (known: add, list)\n`);
    return 2;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    process.stderr.write(`hotpot users ${sub}: ${err.message} [${err.code}]\n`);
    return err.code === 'BAD_FLAG' ? 2 : 1;
  }
}

class UsageError extends AppError<'BAD_FLAG'> {
  constructor(message: string) {
    super('BAD_FLAG', message);
  }
}

async function usersAdd(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      'data-dir': { type: 'string' },
      username: { type: 'string' },
      role: { type: 'string', multiple: true },
    },
    'users add',
  );
  const username = checked(Username, values.username, '--username');
  const roles = (values.role ?? []).map((r) => checked(Role, r, '--role'));
  if (roles.length === 0) throw new UsageError(`--role is required (one of ${ROLES.join(', ')})`);
  const password = checked(NewPassword, await passwordFromEnvOrStdin(), 'the password');
  const user = await withAccess(values['data-dir'], (access) =>
    access.addUser({ username, password, roles }),
  );
  process.stdout.write(`added ${user.username} (${user.roles.join(', ')})\n`);
  return 0;
}

async function usersList(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { 'data-dir': { type: 'string' } }, 'users list');
  const users = await withAccess(values['data-dir'], async (access) => access.listUsers());
  for (const u of users)
    process.stdout.write(`${u.username}\t${u.roles.join(',')}\t${u.disabled ? 'disabled' : 'enabled'}\n`);
  return 0;
}

/** Runs `fn` with the access service over the data dir's node.db, closed afterwards. */
async function withAccess<T>(dataDir: string | undefined, fn: (a: AccessService) => Promise<T>): Promise<T> {
  if (!dataDir) throw new UsageError('--data-dir is required');
  const db = nodeDatabase(dataDir);
  await db.start();
  try {
    return await fn(new AccessService({}, { db: () => db.get(), now: Date.now }));
  } finally {
    await db.stop();
  }
}

function checked<T>(schema: import('zod').ZodType<T>, value: unknown, what: string): T {
  if (value === undefined) throw new UsageError(`${what} is required`);
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${what}: ${describeIssues(r.error)}`);
  return r.data;
}

async function passwordFromEnvOrStdin(): Promise<string> {
  const fromEnv = process.env['HOTPOT_USER_PASSWORD'];
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY)
    throw new UsageError('set HOTPOT_USER_PASSWORD, or pipe the password on stdin (it is never a flag)');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).length > 4096)
      throw new UsageError('stdin is longer than any password (4 KiB)');
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}
