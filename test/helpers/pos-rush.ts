import { type NodeProcess, startNode } from './node-process';

/** A sale body for till `terminalId` (a mala broth and two plates of lamb: 2996 cents). */
export function rushSale(orderId: string, terminalId: string) {
  return {
    orderId,
    terminalId,
    timeMs: Date.now(),
    currency: 'USD',
    paymentMethod: 'card',
    lines: [
      { itemId: 'broth-mala', name: 'Mala broth', quantity: 1, unitPriceMinor: 1200, taxMinor: 96 },
      { itemId: 'lamb', name: 'Sliced lamb', quantity: 2, unitPriceMinor: 850 },
    ],
  };
}

/**
 * Tills post sales to a node that is SIGKILLed under them `kills` times, each after `gapMs(k)`, and
 * started again on the same data dir. Returns the node running at the end and every order id the
 * node answered 201 (an order whose answer was cut off is not acknowledged: the till would resend it).
 */
export async function rushWithKills(opts: {
  node: NodeProcess;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  key: string;
  tills: number;
  kills: number;
  gapMs: (kill: number) => number;
  onKill?: (kill: number, acknowledged: number) => void;
}): Promise<{ node: NodeProcess; acknowledged: Set<string> }> {
  let node = opts.node;
  const acknowledged = new Set<string>();
  let n = 0;
  for (let kill = 0; kill < opts.kills; kill++) {
    let stop = false;
    const url = node.url;
    const tills = Array.from({ length: opts.tills }, async (_, t) => {
      while (!stop) {
        const id = `k${kill}-t${t}-${n++}`;
        try {
          const r = await fetch(new URL('/api/v1/sales', url), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${opts.key}` },
            body: JSON.stringify(rushSale(id, `till-${t}`)),
          });
          if (r.status === 201) acknowledged.add(id);
          else await r.body?.cancel();
        } catch {
          return; // the node is gone
        }
      }
    });
    await new Promise((r) => setTimeout(r, opts.gapMs(kill)));
    await node.stop('SIGKILL');
    stop = true;
    await Promise.all(tills);
    opts.onKill?.(kill + 1, acknowledged.size);
    node = await startNode({ dataDir: opts.dataDir, env: opts.env, timeoutMs: 60_000 });
  }
  return { node, acknowledged };
}

/** Waits until no sale of the node is pending or submitted (a key with `read` or `pos:write`); resolves with the wait, ms. */
export async function drained(url: string, key: string, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  const waiting = async (state: string) => {
    const r = await fetch(new URL(`/api/v1/sales?state=${state}&limit=1`, url), {
      headers: { Authorization: `Bearer ${key}` },
    });
    if (!r.ok) throw new Error(`GET /api/v1/sales?state=${state}: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { items: unknown[] }).items.length;
  };
  for (;;) {
    if ((await waiting('pending')) + (await waiting('submitted')) === 0) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`the sales queue did not drain in ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 250));
  }
}
