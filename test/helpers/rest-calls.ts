/** Calls to a running node's REST and RPC edges, as the integration and browser tests make them. */

/** A REST call with a bearer credential: its status, content type and parsed JSON body. */
export async function restCall(
  baseUrl: string,
  method: string,
  path: string,
  bearer: string,
  body?: unknown,
): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      Authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** An RPC call with a session cookie; resolves with its value, throws its error. */
export async function rpcCall(
  baseUrl: string,
  cookie: string,
  name: string,
  input: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(new URL(`/rpc/${name}`, baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify(input),
  });
  const env = (await res.json()) as { ok: boolean; value: Record<string, unknown>; error?: unknown };
  if (!env.ok) throw new Error(`${name}: ${JSON.stringify(env.error)}`);
  return env.value;
}
