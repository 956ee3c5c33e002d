import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { SaleInput } from '../../../main/contract/sales';
import { SalesService } from '../../../main/sales/sales-service';
import { verifyTerminalChain, type FiscalRecord } from '../../../main/sales/fiscal-chain';
import { tempDir } from '../../helpers/tmp';
import { FakeSalesLedger } from './fake-ledger';

const SILENT = { info() {}, warn() {}, error() {} };

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
    sales = new SalesService(
      { dataDir: dir.path, batchEveryMs: 60_000 },
      { ledger, log: SILENT, now: () => t++ },
    );
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
    const sales = new SalesService(
      { dataDir: dir.path, batchEveryMs: 60_000 },
      { ledger: new FakeSalesLedger(), log: SILENT, now: Date.now },
    );
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
