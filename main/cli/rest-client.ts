/**
 * How a command talks to a running node's public REST API (`/api/v1/...`) as someone: an API key
 * (`HOTPOT_API_KEY`, sent as the bearer), a bearer token (`HOTPOT_TOKEN`), or a person
 * (`HOTPOT_USER` + `HOTPOT_USER_PASSWORD`, exchanged once at `POST /api/v1/auth/token`). Credentials
 * come from the environment, never from flags. Problems (RFC 9457) become `RemoteError`s with their code.
 */
import { AppError, RemoteError } from '../common/errors';

/** The node could not be reached, or did not answer as the REST API does. */
export class NodeUnreachableError extends AppError<'NODE_UNREACHABLE'> {
  override readonly name = 'NodeUnreachableError';
  constructor(message: string) {
    super('NODE_UNREACHABLE', message);
  }
}

/** The environment variables a REST command reads its credential from, for its usage text. */
export const CREDENTIALS_HELP = `Credentials (environment, never flags, so they stay out of shell history and process lists):
  HOTPOT_API_KEY                      an API key (keys may only read)
  HOTPOT_TOKEN                        a bearer token from POST /api/v1/auth/token
  HOTPOT_USER, HOTPOT_USER_PASSWORD   a person (bin/hotpot users add), exchanged for a token`;

/** The node's base URL: `--api`, else `$HOTPOT_HTTP`, else the default local address. Null when it is not a URL. */
export function apiBase(flag: string | undefined, env: NodeJS.ProcessEnv): string | null {
  const fromEnv = env['HOTPOT_HTTP'];
  const base =
    flag ?? (fromEnv ? (fromEnv.includes('://') ? fromEnv : `http://${fromEnv}`) : 'http://127.0.0.1:7420');
  try {
    return new URL(base).toString();
  } catch {
    return null;
  }
}

/**
 * @example
 * const client = new RestClient('http://127.0.0.1:7420/', process.env);
 * const page = await client.request<FranchisePage>('GET', '/api/v1/franchises?limit=100');
 */
export class RestClient {
  private bearer: Promise<string | null> | undefined;

  constructor(
    private readonly base: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Sends a JSON request as the configured credential; resolves with the parsed result, throws the problem. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const bearer = await (this.bearer ??= this.credential());
    return (await this.send(method, path, body, bearer)) as T;
  }

  /** The bearer to send: the key or token as given, or a token made from the person's password. */
  private async credential(): Promise<string | null> {
    const key = this.env['HOTPOT_API_KEY'] ?? this.env['HOTPOT_TOKEN'];
    if (key) return key;
    const username = this.env['HOTPOT_USER'];
    if (!username) return null;
    const password = this.env['HOTPOT_USER_PASSWORD'] ?? '';
    const t = (await this.send('POST', '/api/v1/auth/token', { username, password }, null)) as {
      access_token: string;
    };
    return t.access_token;
  }

  private async send(method: string, path: string, body: unknown, bearer: string | null): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.base), {
        method,
        headers: {
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new NodeUnreachableError(
        `cannot reach the node at ${this.base} (${(err as Error).message}); start it (bin/hotpot start) or pass --api URL`,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new NodeUnreachableError(
        `the node at ${this.base} answered ${res.status} with something other than JSON; is --api the node's address?`,
      );
    }
    if (res.ok) return parsed;
    const p = (parsed ?? {}) as { code?: string; detail?: string; data?: Record<string, unknown> };
    const code = p.code ?? `HTTP_${res.status}`;
    const hint =
      res.status === 401 && !bearer
        ? ' (set HOTPOT_API_KEY, HOTPOT_TOKEN, or HOTPOT_USER and HOTPOT_USER_PASSWORD)'
        : '';
    throw new RemoteError({
      name: 'RemoteError',
      code,
      message: `${p.detail ?? `HTTP ${res.status}`}${hint}`,
      data: { status: res.status, ...(p.data ?? {}) },
    });
  }
}
