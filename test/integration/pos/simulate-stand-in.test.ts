import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulationSummary } from '../../../main/cli/pos-stats';
import { RefundInput, SaleInput } from '../../../main/contract/sales';
import { runCli } from '../../helpers/node-process';

// The built CLI (dist/main/cli.js) against a small stand-in for the node's POS API on loopback that
// records every request and answers as a test tells it: the real intake's idempotency (the same
// order again gets its first receipt; other content under the same id, 409) and injected failures.

interface Recorded {
  path: string;
  authorization: string;
  body: string;
  atMs: number;
}

type Sale = ReturnType<typeof SaleInput.parse>;
/** What the stand-in does with a request before its normal answer; `undefined` answers normally. */
type Fault = (req: Recorded, res: ServerResponse, n: number) => 'handled' | 'store-then-drop' | undefined;

const KEY = 'hps_00000000-0000-0000-0000-000000000000_test-key-for-the-stand-in-node-0000000';

class StandInNode {
  readonly requests: Recorded[] = [];
  readonly stored = new Map<string, { body: string; receipt: object }>();
  readonly refunds = new Map<string, string>();
  private server?: Server;
  fault: Fault = () => undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The sales of each request body, in the order they were posted. */
  salesPosted(): Sale[][] {
    return this.requests.filter((r) => r.path === '/api/v1/sales').map((r) => salesOf(r.body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const rec = {
        path: req.url ?? '',
        authorization: req.headers.authorization ?? '',
        body,
        atMs: Date.now(),
      };
      this.requests.push(rec);
      const fault = this.fault(rec, res, this.requests.length);
      if (fault === 'handled') return;
      const answer = rec.path === '/api/v1/sales' ? this.recordSales(body) : this.recordRefund(rec);
      if (fault === 'store-then-drop') return void req.socket.destroy(); // stored, but the answer is lost
      res.writeHead(answer.status, {
        'Content-Type': answer.status < 300 ? 'application/json' : 'application/problem+json',
      });
      res.end(JSON.stringify(answer.body));
    });
  }

  private recordSales(body: string): { status: number; body: object } {
    const sales = salesOf(body);
    for (const s of sales) {
      const known = this.stored.get(s.orderId);
      if (known && known.body !== JSON.stringify(s))
        return {
          status: 409,
          body: problem('ORDER_CONFLICT', `order ${s.orderId} was posted with other content`),
        };
    }
    const receipts = sales.map((s) => {
      const known = this.stored.get(s.orderId);
      if (known) return known.receipt;
      const receipt = { orderId: s.orderId, terminalId: s.terminalId, acceptedAtMs: Date.now() };
      this.stored.set(s.orderId, { body: JSON.stringify(s), receipt });
      return receipt;
    });
    return { status: 201, body: { sales: receipts } };
  }

  private recordRefund(rec: Recorded): { status: number; body: object } {
    const refund = RefundInput.parse(JSON.parse(rec.body));
    expect(rec.path).toBe(`/api/v1/sales/${refund.orderId}/refunds`);
    expect(this.stored.has(refund.orderId)).toBe(true); // a refund follows its acknowledged sale
    this.refunds.set(refund.refundId, rec.body);
    return { status: 201, body: { refundId: refund.refundId } };
  }
}

function salesOf(body: string): Sale[] {
  const j = JSON.parse(body) as { sales?: unknown[] };
  return (j.sales ?? [j]).map((s) => SaleInput.parse(s));
}

function problem(code: string, detail: string) {
  return { type: `urn:hotpot:problem:${code.toLowerCase()}`, title: code, status: 409, detail, code };
}

let node: StandInNode;
afterEach(async () => node?.stop());

async function simulate(api: string, ...flags: string[]) {
  const r = await runCli(['pos', 'simulate', '--api', api, '--key', KEY, '--json', ...flags], {
    timeoutMs: 60_000,
  });
  return { ...r, summary: r.stdout.trim() ? (JSON.parse(r.stdout) as SimulationSummary) : undefined };
}

describe('bin/hotpot pos simulate against a stand-in node', () => {
  it('posts every till’s orders in order at the rate, valid and keyed, and sums up with exit 0', async () => {
    node = new StandInNode();
    const api = await node.start();
    const r = await simulate(api, '--terminals', '3', '--rate', '60', '--duration', '3s', '--seed', '5');
    expect(r.code, r.stderr).toBe(0);
    const s = r.summary!;
    expect(s.sales.generated).toBe(180);
    expect(s.sales).toMatchObject({ sent: 180, accepted: 180, rejected: 0, unsent: 0, replays: 0 });
    expect(node.stored.size).toBe(180);
    expect(node.requests.every((q) => q.authorization === `Bearer ${KEY}`)).toBe(true);
    for (const till of ['till-1', 'till-2', 'till-3']) {
      const ns = node
        .salesPosted()
        .flat()
        .filter((x) => x.terminalId === till)
        .map((x) => Number(x.orderId.split('-').at(-1)));
      expect(ns).toEqual(Array.from({ length: 60 }, (_, i) => i + 1)); // in order, none missing
    }
    expect(s.refunds.queued).toBe(node.refunds.size);
    expect(s.refunds.accepted).toBe(node.refunds.size);
    expect(s.ok).toBe(true);
    expect(s.latency_ms.p99).toBeGreaterThan(0);
  });

  it('resends the same body after a 503 and after a dropped connection; a lost answer comes back as a replay', async () => {
    node = new StandInNode();
    const api = await node.start();
    node.fault = (_req, res, n) => {
      if (n === 3) {
        res.writeHead(503, { 'Retry-After': '0' }).end();
        return 'handled';
      }
      if (n === 6) {
        res.socket?.destroy(); // dropped before storing
        return 'handled';
      }
      if (n === 9) return 'store-then-drop';
      return undefined;
    };
    const r = await simulate(api, '--terminals', '1', '--rate', '20', '--duration', '1s', '--batch', '2');
    expect(r.code, r.stderr).toBe(0);
    const bodies = node.requests.map((q) => q.body);
    expect(bodies[3]).toBe(bodies[2]); // 503 → the same bytes again
    expect(bodies[6]).toBe(bodies[5]); // dropped → the same bytes again
    expect(bodies[9]).toBe(bodies[8]); // stored, answer lost → the same bytes, answered as before
    const s = r.summary!;
    expect(s.requests).toMatchObject({ server_errors: 1, network_errors: 2, retried: 3 });
    expect(s.sales).toMatchObject({ generated: 20, accepted: 20, unsent: 0, rejected: 0 });
    expect(s.sales.replays).toBeGreaterThan(0);
    expect(node.stored.size).toBe(20);
  });

  it('waits out a 429’s Retry-After before sending the same request again', async () => {
    node = new StandInNode();
    const api = await node.start();
    node.fault = (_req, res, n) => {
      if (n !== 2) return undefined;
      res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/problem+json' });
      res.end(JSON.stringify({ code: 'RATE_LIMITED', detail: 'slow down' }));
      return 'handled';
    };
    const r = await simulate(api, '--terminals', '1', '--rate', '10', '--duration', '1s');
    expect(r.code, r.stderr).toBe(0);
    const [, throttled, again] = node.requests;
    expect(again!.body).toBe(throttled!.body);
    expect(again!.atMs - throttled!.atMs).toBeGreaterThanOrEqual(990);
    expect(r.summary!.requests.throttled).toBe(1);
    expect(r.summary!.sales.accepted).toBe(10);
  });

  it('counts and names what the node refuses and what it never acknowledges, and exits 1', async () => {
    node = new StandInNode();
    const api = await node.start();
    node.fault = (req, res) => {
      const [first] = salesOf(req.body);
      if (first?.orderId.endsWith('-1-2')) {
        res.writeHead(409, { 'Content-Type': 'application/problem+json' });
        res.end(JSON.stringify(problem('ORDER_CONFLICT', 'order posted with other content')));
        return 'handled';
      }
      if (first?.terminalId === 'till-2') {
        res.writeHead(503).end();
        return 'handled';
      }
      return undefined;
    };
    const r = await simulate(api, '--terminals', '2', '--rate', '8', '--duration', '1s', '--drain', '1s');
    expect(r.code).toBe(1);
    const s = r.summary!;
    expect(s.ok).toBe(false);
    expect(s.sales.rejected).toBe(1);
    expect(s.problems[0]).toMatchObject({
      status: 409,
      code: 'ORDER_CONFLICT',
      ids: [expect.stringMatching(/-1-2$/)],
    });
    expect(s.sales.unsent).toBe(4); // till-2's orders: never acknowledged, each counted
    expect(s.unsent_ids).toHaveLength(4);
    expect(s.sales.accepted + s.sales.rejected + s.sales.unsent).toBe(s.sales.generated);
    const till2 = node.salesPosted().filter((b) => b[0]!.terminalId === 'till-2');
    expect(new Set(till2.map((b) => b[0]!.orderId))).toEqual(new Set([till2[0]![0]!.orderId])); // its first, resent; the rest wait behind it
    expect(till2.length).toBeGreaterThan(2);
  });

  it('stops at once when the node refuses the key (401), and exits 1', async () => {
    node = new StandInNode();
    const api = await node.start();
    node.fault = (_req, res) => {
      res.writeHead(401, { 'Content-Type': 'application/problem+json' });
      res.end(JSON.stringify({ code: 'UNAUTHORIZED', detail: 'the API key is wrong or revoked' }));
      return 'handled';
    };
    const r = await simulate(api, '--terminals', '2', '--rate', '4', '--duration', '2s');
    expect(r.code).toBe(1);
    expect(r.summary!.fatal).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(node.requests.length).toBeLessThanOrEqual(2);
    expect(r.summary!.sales.unsent).toBe(r.summary!.sales.generated);
  });
});

describe('bin/hotpot pos: usage', () => {
  it('--help prints the usage (0); an unknown flag, a bad value or no key is a clear message (2)', async () => {
    const help = await runCli(['pos', 'simulate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--terminals N --rate R --duration D/);
    const bogus = await runCli(['pos', 'simulate', '--bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/Unknown option '--bogus' \(known flags: --terminals/);
    const bad = await runCli(['pos', 'simulate', '--terminals', '2', '--rate', '1', '--duration', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--duration must be a duration such as 30s/);
    const noKey = await runCli(['pos', 'simulate', '--terminals', '1', '--rate', '1', '--duration', '1s'], {
      env: { HOTPOT_API_KEY: '' },
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/no API key[\s\S]*bin\/hotpot pos key --data-dir D/);
    expect((await runCli(['pos', 'sell'])).code).toBe(2);
  });

  it('exits 3 when the node is never reached', async () => {
    node = new StandInNode();
    const api = await node.start();
    await node.stop();
    const r = await simulate(api, '--terminals', '1', '--rate', '2', '--duration', '500ms', '--drain', '1s');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/never reached the node/);
    expect(r.summary!.sales.unsent).toBe(1);
  });
});
