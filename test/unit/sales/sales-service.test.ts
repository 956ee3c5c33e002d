import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { SaleInput } from '../../../main/contract/sales';
import { SalesService } from '../../../main/sales/sales-service';
import { verifyTerminalChain, type FiscalRecord } from '../../../main/sales/fiscal-chain';
import { tempDir } from '../../helpers/tmp';
import { FakeSalesLedger, testSalesService } from './fake-ledger';

function sale(orderId: string, over: Partial<SaleInput> = {}): SaleInput {
  return {
    orderId,
    terminalId: 'till-1',
    timeMs: Date.parse('2026-11-20T12:00:00Z'),
    currency: 'USD',
    paymentMethod: 'card',
    lines: [
      {
        itemId: 'broth-mala',
        name: 'Mala broth',
        quantity: 1,
        unitPriceMinor: 1200,
        taxMinor: 96,
        discountMinor: 0,
      },
    ],
    ...over,
  };
}

function records(dir: string, terminalId: string): FiscalRecord[] {
  const db = new Database(join(dir, 'sales.db'), { readonly: true });
  try {
    return (
      db
        .prepare(
          'SELECT terminal_id, seq, body, prev_hash, hash FROM fiscal_records WHERE terminal_id = ? ORDER BY seq',
        )
        .all(terminalId) as Array<{
        terminal_id: string;
        seq: number;
        body: string;
        prev_hash: string;
        hash: string;
      }>
    ).map((r) => ({
      terminalId: r.terminal_id,
      seq: r.seq,
      body: r.body,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  } finally {
    db.close();
  }
}

describe('SalesService: intake', () => {
  let dir: ReturnType<typeof tempDir>;
  let ledger: FakeSalesLedger;
  let sales: SalesService;
  let t = 1_000_000;

  beforeEach(async () => {
    dir = tempDir();
    ledger = new FakeSalesLedger();
    sales = testSalesService(dir.path, ledger, { now: () => t++ });
    await sales.start();
  });
  afterEach(async () => {
    await sales.stop();
    dir.cleanup();
  });

  it('answers a receipt with the total, and each terminal’s records chain', async () => {
    const [a] = await sales.record([sale('o-1')]);
    const [b] = await sales.record([
      sale('o-2', {
        lines: [
          { itemId: 'lamb', name: 'Lamb', quantity: 3, unitPriceMinor: 900, taxMinor: 0, discountMinor: 200 },
        ],
      }),
    ]);
    expect(a).toMatchObject({ orderId: 'o-1', totalMinor: 1296, terminalSeq: 1, currency: 'USD' });
    expect(b).toMatchObject({ orderId: 'o-2', totalMinor: 2500, terminalSeq: 2 });
    const check = verifyTerminalChain('till-1', records(dir.path, 'till-1'));
    expect(check).toEqual({ ok: true, terminalId: 'till-1', records: 2, head: b!.hash });
  });

  it('answers an identical replay with the first receipt, and refuses other content under the same id with nothing stored', async () => {
    const [first] = await sales.record([sale('o-1')]);
    const [again] = await sales.record([sale('o-1')]);
    expect(again).toEqual(first);
    await expect(sales.record([sale('o-2'), sale('o-1', { paymentMethod: 'cash' })])).rejects.toMatchObject({
      code: 'ORDER_CONFLICT',
    });
    // The batch was all or none: o-2 was not stored either.
    expect(sales.list({ limit: 10 }).items.map((s) => s.orderId)).toEqual(['o-1']);
  });

  it('refuses the wrong currency, a zero total and a suspended franchise, storing nothing', async () => {
    await expect(sales.record([sale('o-1', { currency: 'RUB' })])).rejects.toMatchObject({
      code: 'WRONG_CURRENCY',
    });
    const zero = sale('o-2', {
      lines: [
        { itemId: 'tea', name: 'Tea', quantity: 1, unitPriceMinor: 100, taxMinor: 0, discountMinor: 100 },
      ],
    });
    await expect(sales.record([zero])).rejects.toMatchObject({ code: 'BAD_TOTAL' });
    ledger.franchise = { ...ledger.franchise, status: 'suspended' };
    t += 5_000; // past the intake's franchise cache
    await expect(sales.record([sale('o-3')])).rejects.toMatchObject({ code: 'FRANCHISE_NOT_ACTIVE' });
    expect(sales.list({ limit: 10 }).items).toEqual([]);
    expect(records(dir.path, 'till-1')).toEqual([]);
  });

  it('a suspended franchise still answers a resend of an acknowledged sale with its first receipt, and stores nothing new', async () => {
    const card = { loyaltyCard: '4000 1234 5678 9010' };
    const [first] = await sales.record([sale('o-1', card)]);
    ledger.franchise = { ...ledger.franchise, status: 'suspended' };
    t += 5_000; // past the intake's franchise cache
    expect(await sales.record([sale('o-1', card)])).toEqual([first]);
    for (const batch of [
      [sale('o-1', card), sale('o-2')],
      [sale('o-1', { ...card, paymentMethod: 'cash' })],
      [sale('o-3', { currency: 'RUB' })],
    ])
      await expect(sales.record(batch)).rejects.toMatchObject({ code: 'FRANCHISE_NOT_ACTIVE' });
    expect(sales.list({ limit: 10 }).items.map((s) => s.orderId)).toEqual(['o-1']);
    expect(records(dir.path, 'till-1')).toHaveLength(1);
  });

  it('keeps only a salted hash of a loyalty card', async () => {
    await sales.record([sale('o-1', { loyaltyCard: '4000 1234 5678 9010' })]);
    const db = new Database(join(dir.path, 'sales.db'), { readonly: true });
    const dump = JSON.stringify([
      db.prepare('SELECT * FROM sales').all(),
      db.prepare('SELECT * FROM fiscal_records').all(),
    ]);
    db.close();
    expect(dump).not.toContain('4000');
    expect(dump).not.toContain('9010');
    expect(sales.list({ limit: 1 }).items[0]!.loyalty).toBe(true);
  });

  it('refunds up to what is left of a sale, idempotently, as a record of the sale’s terminal', async () => {
    await sales.record([sale('o-1')]);
    const r = { orderId: 'o-1', refundId: 'r-1', amountMinor: 500, timeMs: Date.now(), reason: 'cold broth' };
    const first = await sales.refund(r);
    expect(await sales.refund(r)).toEqual(first);
    await expect(sales.refund({ ...r, amountMinor: 400 })).rejects.toMatchObject({ code: 'REFUND_CONFLICT' });
    await expect(sales.refund({ ...r, refundId: 'r-2', amountMinor: 797 })).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_SALE',
    });
    await expect(sales.refund({ ...r, orderId: 'nope', refundId: 'r-3' })).rejects.toMatchObject({
      code: 'SALE_NOT_FOUND',
    });
    expect(sales.list({ limit: 1 }).items[0]!.refundedMinor).toBe(500);
    expect(first.terminalSeq).toBe(2);
    expect(verifyTerminalChain('till-1', records(dir.path, 'till-1')).ok).toBe(true);
  });

  it('stores many posts of the same moment in one transaction, each answered', async () => {
    const posts = Array.from({ length: 200 }, (_, i) =>
      sales.record([sale(`o-${i}`, { terminalId: `till-${i % 4}` })]),
    );
    const receipts = (await Promise.all(posts)).flat();
    expect(new Set(receipts.map((r) => r.orderId)).size).toBe(200);
    for (let k = 0; k < 4; k++)
      expect(verifyTerminalChain(`till-${k}`, records(dir.path, `till-${k}`))).toMatchObject({
        ok: true,
        records: 50,
      });
  });
});

describe('verifyTerminalChain', () => {
  it('finds an edited, a removed and a reordered record', async () => {
    const dir = tempDir();
    const sales = testSalesService(dir.path);
    await sales.start();
    for (let i = 0; i < 5; i++) await sales.record([sale(`o-${i}`)]);
    await sales.stop();
    const recs = records(dir.path, 'till-1');
    expect(verifyTerminalChain('till-1', recs).ok).toBe(true);
    const edited = recs.map((r, i) => (i === 2 ? { ...r, body: r.body.replace('1296', '129') } : r));
    expect(verifyTerminalChain('till-1', edited)).toMatchObject({ ok: false, seq: 3, reason: 'hash' });
    expect(
      verifyTerminalChain(
        'till-1',
        recs.filter((_, i) => i !== 1),
      ),
    ).toMatchObject({ ok: false, seq: 2, reason: 'gap' });
    const swapped = [recs[0]!, { ...recs[2]!, seq: 2 }, { ...recs[1]!, seq: 3 }, recs[3]!, recs[4]!];
    expect(verifyTerminalChain('till-1', swapped)).toMatchObject({ ok: false, seq: 2, reason: 'prev-hash' });
    dir.cleanup();
  });
});

describe('SalesService: summary', () => {
  it('adds up sales and refunds by the viewer’s hour and day, with the week before beside them', async () => {
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    const svc = testSalesService(dir.path, ledger);
    await svc.start();
    const at = (iso: string) => Date.parse(iso);
    const line = (itemId: string, price: number, quantity = 1) => ({
      itemId,
      name: itemId,
      quantity,
      unitPriceMinor: price,
      taxMinor: 0,
      discountMinor: 0,
    });
    // Moscow (UTC+3): 09:30Z is 12:30 local; 22:10Z on the 19th is 01:10 local on the 20th.
    await svc.record([
      sale('a', {
        timeMs: at('2026-11-20T09:30:00Z'),
        lines: [line('lamb', 1000, 2)],
        paymentMethod: 'cash',
      }),
    ]);
    await svc.record([
      sale('b', { timeMs: at('2026-11-20T09:45:00Z'), lines: [line('tofu', 300)], loyaltyCard: 'card-1' }),
    ]);
    await svc.record([sale('c', { timeMs: at('2026-11-19T22:10:00Z'), lines: [line('tea', 200)] })]);
    await svc.record([sale('d', { timeMs: at('2026-11-13T10:00:00Z'), lines: [line('lamb', 1000)] })]); // a week before
    await svc.record([sale('e', { timeMs: at('2026-11-21T10:00:00Z'), lines: [line('lamb', 5000)] })]); // outside
    await svc.refund({
      orderId: 'a',
      refundId: 'r',
      amountMinor: 500,
      timeMs: at('2026-11-20T11:00:00Z'),
      reason: '',
    });
    const s = await svc.summary({
      from: at('2026-11-19T21:00:00Z'),
      to: at('2026-11-20T21:00:00Z'),
      utcOffsetMinutes: 180,
    });
    expect(s.totals).toEqual({
      orders: 3,
      revenueMinor: 2500,
      averageCheckMinor: 833,
      refunds: 1,
      refundedMinor: 500,
      loyaltyOrders: 1,
      royaltyOwedMinor: 125, // 5% of 2500
    });
    expect(s.previous).toMatchObject({ orders: 1, revenueMinor: 1000 });
    expect(s.byHour[12]).toEqual({ hour: 12, orders: 2, revenueMinor: 2300 });
    expect(s.byHour[1]).toEqual({ hour: 1, orders: 1, revenueMinor: 200 });
    expect(s.byHour.reduce((n, h) => n + h.orders, 0)).toBe(3);
    expect(s.byDay).toEqual([{ day: '2026-11-20', orders: 3, revenueMinor: 2500, refundedMinor: 500 }]);
    expect(s.topItems.map((i) => [i.itemId, i.quantity, i.revenueMinor])).toEqual([
      ['lamb', 2, 2000],
      ['tofu', 1, 300],
      ['tea', 1, 200],
    ]);
    expect(s.byPaymentMethod).toEqual([
      { method: 'cash', orders: 1, revenueMinor: 2000 },
      { method: 'card', orders: 2, revenueMinor: 500 },
    ]);
    expect(s.queue.pending + s.queue.submitted).toBe(5);
    await svc.stop();
    dir.cleanup();
  });
});

describe('SalesService: summary over whole days and edges', () => {
  it('top items and payment methods equal a count of the raw sales, for random windows and offsets', async () => {
    const dir = tempDir();
    const svc = testSalesService(dir.path);
    await svc.start();
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const start = Date.parse('2026-11-01T00:00:00Z');
    const items = ['lamb', 'beef', 'tofu', 'tea', 'noodles'];
    const methods = ['cash', 'card', 'mobile'] as const;
    const posted: SaleInput[] = [];
    for (let i = 0; i < 400; i++) {
      const s = sale(`p-${i}`, {
        timeMs: start + Math.floor(rnd() * 12 * 86_400_000),
        paymentMethod: methods[i % 3]!,
        lines: [
          {
            itemId: items[i % 5]!,
            name: items[i % 5]!,
            quantity: 1 + (i % 3),
            unitPriceMinor: 100 + i,
            taxMinor: 0,
            discountMinor: 0,
          },
        ],
      });
      posted.push(s);
      await svc.record([s]);
    }
    for (let k = 0; k < 20; k++) {
      const from = start + Math.floor(rnd() * 6 * 86_400_000);
      const to = from + Math.floor(rnd() * 6 * 86_400_000) + 3_600_000;
      const s = await svc.summary({ from, to, utcOffsetMinutes: [0, 180, -300][k % 3]! });
      const h0 = Math.floor(from / 3_600_000) * 3_600_000;
      const h1 = Math.ceil(to / 3_600_000) * 3_600_000;
      const inside = posted.filter((p) => p.timeMs >= h0 && p.timeMs < h1);
      const byItem = new Map<string, number>();
      const byMethod = new Map<string, number>();
      for (const p of inside) {
        const l = p.lines[0]!;
        byItem.set(l.itemId, (byItem.get(l.itemId) ?? 0) + l.quantity * l.unitPriceMinor);
        byMethod.set(p.paymentMethod, (byMethod.get(p.paymentMethod) ?? 0) + l.quantity * l.unitPriceMinor);
      }
      expect(new Map(s.topItems.map((i) => [i.itemId, i.revenueMinor]))).toEqual(byItem);
      expect(new Map(s.byPaymentMethod.map((m) => [m.method, m.revenueMinor]))).toEqual(byMethod);
      expect(s.totals.orders).toBe(inside.length);
    }
    await svc.stop();
    dir.cleanup();
  });
});
