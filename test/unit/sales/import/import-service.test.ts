import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SalesImportService } from '../../../../main/sales/import/import-service';
import { SalesService } from '../../../../main/sales/sales-service';
import { tempDir } from '../../../helpers/tmp';
import { FakeSalesLedger } from '../fake-ledger';

const SILENT = { info() {}, warn() {}, error() {} };
const HEADER =
  'order_id,terminal_id,time,payment_method,item_id,item_name,quantity,unit_price,tax,loyalty_card';
const row = (id: string, price = '12.90', card = '') =>
  `${id},till-1,2026-03-14 19:05,card,broth,Mala broth,1,${price},0.50,${card}`;
const file = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('SalesImportService over real books', () => {
  let dir: ReturnType<typeof tempDir>;
  let ledger: FakeSalesLedger;
  let sales: SalesService;
  let imports: SalesImportService;

  beforeEach(async () => {
    dir = tempDir();
    ledger = new FakeSalesLedger();
    sales = new SalesService(
      { dataDir: dir.path, batchEveryMs: 60_000 },
      { ledger, log: SILENT, now: () => 1 },
    );
    await sales.start();
    imports = new SalesImportService({ dataDir: dir.path }, { sales, ledger });
  });
  afterEach(async () => {
    await sales.stop();
    dir.cleanup();
  });

  const stored = () =>
    sales
      .list({ limit: 500 })
      .items.map((s) => s.orderId)
      .sort();

  it('previews without storing, commits, and stores nothing new the second time', async () => {
    const csv = file(row('A-1', '12.90', 'LC-1'), row('A-2'), row('A-3', '1.005'));
    const preview = await imports.preview({ csv, utcOffsetMinutes: 180 });
    expect(preview.counts).toMatchObject({
      rows: 3,
      orders: 3,
      new: 2,
      invalid: 1,
      badRows: 1,
      newTotalMinor: 2 * 1340,
    });
    expect(preview.errors).toEqual([
      expect.objectContaining({ row: 4, column: 'unit_price', orderId: 'A-3' }),
    ]);
    expect(preview.orders[0]).toMatchObject({
      orderId: 'A-1',
      status: 'new',
      sale: { loyalty: true, totalMinor: 1340 },
    });
    expect(stored()).toEqual([]);
    // A row error stores nothing unless the caller skips the bad orders.
    await expect(imports.commit({ csv, utcOffsetMinutes: 180, skipBadOrders: false })).rejects.toMatchObject({
      code: 'IMPORT_HAS_ERRORS',
      message: expect.stringMatching(/row 4, unit_price: "1.005" has 3 decimals.*nothing was stored/),
    });
    expect(stored()).toEqual([]);
    const first = await imports.commit({ csv, utcOffsetMinutes: 180, skipBadOrders: true });
    expect(first).toMatchObject({
      stored: 2,
      alreadyStored: 0,
      skipped: [{ orderId: 'A-3', status: 'invalid' }],
    });
    expect(stored()).toEqual(['A-1', 'A-2']);
    // The same file again (a card order too) is all identical replays.
    const again = await imports.preview({ csv, utcOffsetMinutes: 180 });
    expect(again.counts).toMatchObject({ new: 0, identical: 2, conflicts: 0 });
    const second = await imports.commit({
      csv: file(row('A-1', '12.90', 'LC-1'), row('A-2')),
      utcOffsetMinutes: 180,
      skipBadOrders: false,
    });
    expect(second).toMatchObject({ stored: 0, alreadyStored: 2, receipts: [] });
    expect(stored()).toEqual(['A-1', 'A-2']);
  });

  it('refuses a file whose order conflicts with a stored one, naming it, with nothing stored', async () => {
    await imports.commit({
      csv: file(row('A-1', '12.90', 'LC-1')),
      utcOffsetMinutes: 0,
      skipBadOrders: false,
    });
    for (const other of [row('A-1', '13.00', 'LC-1'), row('A-1', '12.90', 'LC-2'), row('A-1', '12.90')]) {
      const csv = file(row('B-1'), other);
      expect((await imports.preview({ csv, utcOffsetMinutes: 0 })).counts).toMatchObject({
        new: 1,
        conflicts: 1,
      });
      await expect(imports.commit({ csv, utcOffsetMinutes: 0, skipBadOrders: false })).rejects.toMatchObject({
        code: 'ORDER_CONFLICT',
        message: expect.stringMatching(
          /order A-1 was already recorded with other content; nothing was stored/,
        ),
        data: expect.objectContaining({ orderIds: ['A-1'] }),
      });
      expect(stored()).toEqual(['A-1']);
    }
  });

  it('stores a large file in batches of 500, and refuses one over the size limit as TOO_LARGE', async () => {
    const rows = Array.from({ length: 1201 }, (_, i) => row(`L-${i}`));
    const result = await imports.commit({ csv: file(...rows), utcOffsetMinutes: 0, skipBadOrders: false });
    expect(result.stored).toBe(1201);
    expect(sales.list({ limit: 500 }).items).toHaveLength(500);
    const huge = file(...Array.from({ length: 20_000 }, (_, i) => row(`H-${i}`)));
    await expect(imports.preview({ csv: huge, utcOffsetMinutes: 0 })).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringMatching(/split it into files of whole orders/),
    });
  });

  it('refuses a file in another currency than the store’s, and commits nothing for a suspended franchise', async () => {
    const rub = 'order_id,time,currency,item_name,quantity,unit_price\nR-1,2026-03-14 19:05,RUB,Tea,1,200';
    expect((await imports.preview({ csv: rub, utcOffsetMinutes: 0 })).errors[0]?.message).toBe(
      'the order is in RUB; this store sells in USD',
    );
    ledger.franchise = { ...ledger.franchise, status: 'suspended' };
    await expect(
      imports.commit({ csv: file(row('S-1')), utcOffsetMinutes: 0, skipBadOrders: false }),
    ).rejects.toMatchObject({ code: 'FRANCHISE_NOT_ACTIVE' });
    expect(stored()).toEqual([]);
  });
});
