import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../../main/platform/paths';
import { bundleScript } from '../../helpers/bundle';
import { tempDir } from '../../helpers/tmp';
import { FakeSalesLedger, testSalesService } from './fake-ledger';

describe('the sales writer on its own thread', () => {
  it('stores, answers replays and refuses conflicts with typed errors, as inline; closes cleanly', async () => {
    const worker = await bundleScript(join(appRoot(), 'main', 'sales', 'sales-writer.worker.ts'));
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    const make = () => testSalesService(dir.path, ledger, { writerFile: () => worker });
    let svc = make();
    await svc.start();
    const sale = (orderId: string, paymentMethod: 'card' | 'cash' = 'card') => ({
      orderId,
      terminalId: 'till-1',
      timeMs: Date.parse('2026-11-20T12:00:00Z'),
      currency: 'USD',
      paymentMethod,
      lines: [
        { itemId: 'tea', name: 'Tea', quantity: 2, unitPriceMinor: 250, taxMinor: 0, discountMinor: 0 },
      ],
      loyaltyCard: '7700 0001',
    });
    const posts = await Promise.all(Array.from({ length: 50 }, (_, i) => svc.record([sale(`o-${i}`)])));
    expect(
      posts
        .flat()
        .map((r) => r.terminalSeq)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await svc.record([sale('o-3')])).toEqual(posts[3]);
    const conflict = await svc.record([sale('o-3', 'cash')]).catch((e: unknown) => e);
    expect(conflict).toMatchObject({ name: 'SalesError', code: 'ORDER_CONFLICT' });
    await svc.stop();
    // Reopened: everything is there, and the card salt is the same (a card hashes as before).
    svc = make();
    await svc.start();
    expect(svc.list({ limit: 500 }).items).toHaveLength(50);
    expect(await svc.record([sale('o-3')])).toEqual(posts[3]);
    await svc.stop();
    dir.cleanup();
  });
});
