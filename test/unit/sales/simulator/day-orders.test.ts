import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RefundInput, SaleInput } from '../../../../main/contract/sales';
import { ARRIVALS_BY_HOUR } from '../../../../main/sales/simulator/day-shape';
import {
  type StoreProfile,
  dayNumberOf,
  ordersBetween,
  ordersOfDay,
} from '../../../../main/sales/simulator/day-orders';
import type { SimulatedOrder } from '../../../../main/sales/simulator/order-model';
import { saleTotalMinor } from '../../../../main/sales/sale-totals';

const STORE: StoreProfile = { seed: 16, currency: 'USD', terminals: 4, ordersPerDay: 300 };
const HOUR_MS = 3_600_000;

/** Every order of the days, as an array (fine for a few weeks). */
const all = (it: Iterable<SimulatedOrder>) => [...it];

describe('the POS model: a store’s days of orders', () => {
  it('is deterministic for a seed, and a day is the same alone or inside a range', () => {
    const day = all(ordersOfDay(STORE, '2026-03-14'));
    expect(all(ordersOfDay(STORE, '2026-03-14'))).toEqual(day);
    expect(all(ordersOfDay({ ...STORE, seed: 17 }, '2026-03-14'))).not.toEqual(day);
    const range = all(ordersBetween(STORE, '2026-03-13', '2026-03-15'));
    expect(range.filter((o) => o.sale.orderId.startsWith('d20260314-'))).toEqual(day);
  });

  it('every sale passes the contract’s SaleInput unchanged; every refund passes RefundInput and never exceeds its sale', () => {
    const orders = all(ordersBetween(STORE, '2026-03-01', '2026-03-14'));
    let refunds = 0;
    for (const { sale, refund } of orders) {
      expect(SaleInput.parse(sale)).toEqual(sale);
      const total = saleTotalMinor(sale.lines);
      expect(Number.isSafeInteger(total) && total > 0).toBe(true);
      for (const line of sale.lines)
        for (const v of [line.quantity, line.unitPriceMinor, line.taxMinor, line.discountMinor])
          expect(Number.isInteger(v) && v >= 0).toBe(true);
      if (!refund) continue;
      refunds += 1;
      expect(RefundInput.parse(refund)).toEqual(refund);
      expect(refund.orderId).toBe(sale.orderId);
      expect(refund.amountMinor).toBeGreaterThan(0);
      expect(refund.amountMinor).toBeLessThanOrEqual(total);
      expect(refund.timeMs).toBeGreaterThan(sale.timeMs);
    }
    expect(refunds).toBeGreaterThan(0);
  });

  it('property: for any seed, currency and store size, a day’s sales and refunds pass the contract', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.constantFrom('USD' as const, 'RUB' as const),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 400 }),
        (seed, currency, terminals, ordersPerDay) => {
          for (const { sale, refund } of ordersOfDay(
            { seed, currency, terminals, ordersPerDay },
            '2026-07-04',
          )) {
            expect(SaleInput.safeParse(sale).success).toBe(true);
            if (refund) expect(refund.amountMinor).toBeLessThanOrEqual(saleTotalMinor(sale.lines));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('orders come in time order inside the day, on tills till-1..N, with unique ids', () => {
    const orders = all(ordersBetween(STORE, '2026-03-01', '2026-03-07'));
    const times = orders.map((o) => o.sale.timeMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(orders.map((o) => o.sale.orderId)).size).toBe(orders.length);
    expect(new Set(orders.map((o) => o.sale.terminalId))).toEqual(
      new Set(['till-1', 'till-2', 'till-3', 'till-4']),
    );
    const first = Date.UTC(2026, 2, 1);
    expect(times[0]).toBeGreaterThanOrEqual(first + 11 * HOUR_MS);
    expect(times.at(-1)).toBeLessThan(first + 7 * 24 * HOUR_MS);
  });

  it('has a lunch and a dinner peak, is closed at night, and is busier at the weekend (local time)', () => {
    const moscow = { ...STORE, utcOffsetMin: 180 };
    const byHour = new Array<number>(24).fill(0);
    const byWeekday = new Array<number>(7).fill(0);
    for (const { sale } of ordersBetween(moscow, '2026-02-02', '2026-03-01')) {
      const local = new Date(sale.timeMs + 180 * 60_000);
      byHour[local.getUTCHours()]! += 1;
      byWeekday[local.getUTCDay()]! += 1;
    }
    ARRIVALS_BY_HOUR.forEach((w, h) =>
      w === 0 ? expect(byHour[h]).toBe(0) : expect(byHour[h]).toBeGreaterThan(0),
    );
    const [lunch, afternoon, dinner] = [byHour[12]!, byHour[15]!, byHour[19]!];
    expect(lunch).toBeGreaterThan(3 * afternoon);
    expect(dinner).toBeGreaterThan(lunch);
    expect(byHour.indexOf(Math.max(...byHour))).toBe(19);
    expect(byWeekday[6]!).toBeGreaterThan(byWeekday[2]! * 1.3); // Saturday over Tuesday
    const perDay = byHour.reduce((a, b) => a + b, 0) / 28;
    expect(perDay).toBeGreaterThan(270);
    expect(perDay).toBeLessThan(330);
  });

  it('mixes payment methods, ~30% loyalty cards from recurring regulars, ~2% refunds, some discounts', () => {
    const orders = all(ordersBetween(STORE, '2026-01-01', '2026-01-31'));
    const share = (pred: (o: SimulatedOrder) => boolean) => orders.filter(pred).length / orders.length;
    expect(share((o) => o.sale.loyaltyCard !== undefined)).toBeCloseTo(0.3, 1);
    expect(share((o) => o.refund !== undefined)).toBeGreaterThan(0.01);
    expect(share((o) => o.refund !== undefined)).toBeLessThan(0.03);
    const whole = orders.filter(
      (o) => o.refund && o.refund.amountMinor === saleTotalMinor(o.sale.lines),
    ).length;
    expect(whole).toBeGreaterThan(0);
    expect(whole).toBeLessThan(orders.filter((o) => o.refund).length); // partial ones too
    const discounted = share((o) => o.sale.lines.some((l) => l.discountMinor > 0));
    expect(discounted).toBeGreaterThan(0.02);
    expect(discounted).toBeLessThan(0.2);
    expect(new Set(orders.map((o) => o.sale.paymentMethod))).toEqual(
      new Set(['cash', 'card', 'mobile', 'voucher', 'loyalty', 'other']),
    );
    for (const o of orders) if (o.sale.paymentMethod === 'loyalty') expect(o.sale.loyaltyCard).toBeDefined();
    const visits = new Map<string, number>();
    for (const o of orders)
      if (o.sale.loyaltyCard) visits.set(o.sale.loyaltyCard, (visits.get(o.sale.loyaltyCard) ?? 0) + 1);
    expect(Math.max(...visits.values())).toBeGreaterThan(5); // regulars come back
    expect(visits.size).toBeLessThanOrEqual(2_000);
  });

  it('prices the same menu in roubles (kopecks) with VAT', () => {
    const [usd] = ordersOfDay(STORE, '2026-03-14');
    const [rub] = ordersOfDay({ ...STORE, currency: 'RUB' }, '2026-03-14');
    expect(rub!.sale.currency).toBe('RUB');
    expect(rub!.sale.lines.map((l) => l.itemId)).toEqual(usd!.sale.lines.map((l) => l.itemId));
    const line = rub!.sale.lines[0]!;
    expect(line.unitPriceMinor % 100).toBe(0); // whole roubles on the menu
    expect(line.taxMinor).toBe(Math.round((line.quantity * line.unitPriceMinor - line.discountMinor) * 0.2));
  });

  it('streams a year of a busy store, about 1M sale lines, one order at a time', () => {
    let orders = 0;
    let lines = 0;
    const t0 = performance.now();
    for (const { sale } of ordersBetween(STORE, '2026-01-01', '2026-12-31')) {
      orders += 1;
      lines += sale.lines.length;
    }
    const ms = performance.now() - t0;
    expect(orders).toBeGreaterThan(100_000);
    expect(lines).toBeGreaterThan(800_000);
    expect(lines).toBeLessThan(1_400_000);
    expect(ms).toBeLessThan(20_000);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(dayNumberOf('1970-01-02')).toBe(1);
    expect(() => dayNumberOf('2026-02-30')).toThrow(/YYYY-MM-DD/);
    expect(() => [...ordersOfDay(STORE, '14.03.2026')]).toThrow(/YYYY-MM-DD/);
  });
});
