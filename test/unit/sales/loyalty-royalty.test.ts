import { describe, expect, it } from 'vitest';
import type { SaleInput } from '../../../main/contract/sales';
import { customerShare } from '../../../main/sales/loyalty-points';
import { periodBuckets, royaltyOf, statementCsv } from '../../../main/sales/royalty-statement';
import { SalesService } from '../../../main/sales/sales-service';
import { tempDir } from '../../helpers/tmp';
import { FakeSalesLedger, testSalesService } from './fake-ledger';
import { Prng } from '../../../main/common/prng';

function sale(orderId: string, timeMs: number, priceMinor: number, card?: string): SaleInput {
  return {
    orderId,
    terminalId: 'till-1',
    timeMs,
    currency: 'USD',
    paymentMethod: 'card',
    lines: [
      {
        itemId: 'pot',
        name: 'Hot pot',
        quantity: 1,
        unitPriceMinor: priceMinor,
        taxMinor: 0,
        discountMinor: 0,
      },
    ],
    ...(card ? { loyaltyCard: card } : {}),
  };
}

/** Uniform numbers in [0, 1) from the seeded generator the simulations share. */
function prng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.float();
}

async function withService<T>(fn: (svc: SalesService, ledger: FakeSalesLedger) => Promise<T>): Promise<T> {
  const dir = tempDir();
  const ledger = new FakeSalesLedger();
  const svc = testSalesService(dir.path, ledger);
  await svc.start();
  try {
    return await fn(svc, ledger);
  } finally {
    await svc.stop();
    dir.cleanup();
  }
}

describe('loyalty points', () => {
  it('the customer share is what the chain mints the customer: minted − royalty − reward, each rounded down', () => {
    const t = { tokensPerMinorUnit: '1000', royaltyBps: 500, validatorRewardBps: 100 };
    // 1999 cents × 1000 = 1,999,000 minted; 5% = 99,950; 1% = 19,990.
    expect(customerShare(1999, t)).toBe(1_999_000n - 99_950n - 19_990n);
    expect(customerShare(3, { ...t, tokensPerMinorUnit: '1' })).toBe(3n); // 5% and 1% of 3 round to 0
  });

  it('a card earns points once its sales are final, spends them idempotently, and never below zero', async () => {
    await withService(async (svc, ledger) => {
      const now = Date.now();
      await svc.record([
        sale('o-1', now, 10_000, '7700 1234'),
        sale('o-2', now, 5_000, '7700-1234'),
        sale('o-3', now, 999),
      ]);
      expect(await svc.loyaltyBalance('77001234')).toEqual({
        balance: '0',
        pending: '14100',
        earnedOrders: 0,
      });
      for (let i = 0; i < 3; i++) {
        await svc.flush();
        ledger.commit();
      }
      await svc.flush();
      // 94% of 15,000 (dev tokenomics: 1 token per cent, 5% royalty, 1% reward).
      expect(await svc.loyaltyBalance('7700 1234')).toEqual({
        balance: '14100',
        pending: '0',
        earnedOrders: 2,
      });
      const r = { card: '7700 1234', redemptionId: 'red-1', points: '4100' };
      const first = await svc.redeem(r);
      expect(first).toEqual({ redemptionId: 'red-1', points: '4100', balance: '10000' });
      expect(await svc.redeem(r)).toEqual(first);
      await expect(svc.redeem({ ...r, points: '1' })).rejects.toMatchObject({ code: 'REDEMPTION_CONFLICT' });
      await expect(svc.redeem({ ...r, redemptionId: 'red-2', points: '10001' })).rejects.toMatchObject({
        code: 'INSUFFICIENT_POINTS',
      });
      expect((await svc.loyaltyBalance('77001234')).balance).toBe('10000');
      expect(await svc.loyaltyBalance('0000 0000')).toEqual({ balance: '0', pending: '0', earnedOrders: 0 });
    });
  });
});

describe('royalty statements', () => {
  it('cuts a month into the store’s days, Monday weeks and the month', () => {
    const days = periodBuckets('2026-11', 'day', 180);
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({
      label: '2026-11-01',
      fromMs: Date.parse('2026-10-31T21:00:00Z'),
      toMs: Date.parse('2026-11-01T21:00:00Z'),
    });
    const weeks = periodBuckets('2026-11', 'week', 0);
    // 1 Nov 2026 is a Sunday: a one-day week, then Mondays 2, 9, 16, 23, 30.
    expect(weeks.map((w) => w.label)).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
    expect(periodBuckets('2026', 'month', 0).map((m) => m.label)).toHaveLength(12);
  });

  it('property: every statement’s rows add up to the sales in them, and owed is their gross × the rate (600 random sales, 9 cuts)', async () => {
    await withService(async (svc, ledger) => {
      const rnd = prng(7);
      const month = Date.parse('2026-11-01T00:00:00Z');
      const sales: Array<{ t: number; amount: number }> = [];
      for (let i = 0; i < 600; i++) {
        // Some before the period (the opening balance), most in November, some after.
        const t = month - 5 * 86_400_000 + Math.floor(rnd() * 40 * 86_400_000);
        const amount = 1 + Math.floor(rnd() * 50_000);
        sales.push({ t, amount });
        await svc.record([sale(`s-${i}`, t, amount)]);
      }
      ledger.payments = [
        { txHash: '0x1', timeMs: month - 86_400_000, amount: 1000n },
        { txHash: '0x2', timeMs: month + 10 * 86_400_000, amount: 250_000n },
      ];
      for (const by of ['day', 'week', 'month'] as const) {
        for (const offset of [0, 180, -300]) {
          const s = await svc.royaltyStatement({ period: '2026-11', by, utcOffsetMinutes: offset });
          for (const r of s.rows) {
            const inRow = sales.filter(
              (x) =>
                Math.floor(x.t / 3_600_000) * 3_600_000 >= r.fromMs &&
                Math.floor(x.t / 3_600_000) * 3_600_000 < r.toMs,
            );
            expect(r.grossMinor).toBe(inRow.reduce((n, x) => n + x.amount, 0));
            expect(r.orders).toBe(inRow.length);
            expect(r.royaltyOwedMinor).toBe(royaltyOf(r.grossMinor, 500));
          }
          const before = sales
            .filter((x) => Math.floor(x.t / 3_600_000) * 3_600_000 < s.rows[0]!.fromMs)
            .reduce((n, x) => n + x.amount, 0);
          expect(s.openingOutstandingMinor).toBe(royaltyOf(before, 500) - 1000);
          expect(s.totals.paidMinor).toBe(250_000);
          expect(s.totals.outstandingMinor).toBe(
            s.openingOutstandingMinor + s.totals.royaltyOwedMinor - 250_000,
          );
          expect(s.rows[s.rows.length - 1]!.outstandingMinor).toBe(s.totals.outstandingMinor);
        }
      }
      const csv = statementCsv(
        await svc.royaltyStatement({ period: '2026-11', by: 'week', utcOffsetMinutes: 0 }),
      );
      expect(csv.split('\r\n')[0]).toBe(
        'period,from,to,currency,orders,gross_minor,refunded_minor,royalty_bps,royalty_owed_minor,paid_minor,outstanding_minor',
      );
      expect(csv.split('\r\n')).toHaveLength(6 + 2);
    });
  }, 60_000);
});
