import { describe, expect, it } from 'vitest';
import type { SaleView } from '../../../main/contract/sales';
import {
  allSales,
  csvField,
  inertText,
  salesCsv,
  SALES_CSV_COLUMNS,
  type SalesLister,
} from '../../../renderer/components/sales/csv';

function sale(orderId: string, over: Partial<SaleView> = {}): SaleView {
  return {
    orderId,
    terminalId: 'till-1',
    totalMinor: 2996,
    currency: 'USD',
    acceptedAtMs: 0,
    terminalSeq: 7,
    hash: 'ab'.repeat(32),
    timeMs: Date.UTC(2026, 10, 3, 9, 30),
    paymentMethod: 'card',
    lines: [
      {
        itemId: 'broth',
        name: 'Mala broth',
        quantity: 1,
        unitPriceMinor: 1200,
        taxMinor: 96,
        discountMinor: 0,
      },
      {
        itemId: 'lamb',
        name: 'Sliced lamb',
        quantity: 2,
        unitPriceMinor: 850,
        taxMinor: 0,
        discountMinor: 0,
      },
    ],
    loyalty: false,
    refundedMinor: 0,
    chain: { state: 'pending', txHash: null, height: null },
    ...over,
  };
}

/** A minimal RFC 4180 reader, to hold the writer to the format rather than to its own text. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('sales CSV (RFC 4180)', () => {
  it('quotes only what must be quoted and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it('keeps till text from running as a spreadsheet formula', () => {
    expect(inertText('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(inertText('+1')).toBe("'+1");
    expect(inertText('Mala broth')).toBe('Mala broth');
  });

  it('writes a header and one CRLF-ended row per sale, amounts in major units beside the currency', () => {
    const text = salesCsv(
      [
        sale('o-2', {
          refundedMinor: 1200,
          loyalty: true,
          chain: { state: 'recorded', txHash: '0xfeed', height: 42 },
        }),
        sale('o-1', {
          lines: [
            {
              itemId: 'x',
              name: 'Tofu, "silken"',
              quantity: 3,
              unitPriceMinor: 5,
              taxMinor: 0,
              discountMinor: 0,
            },
          ],
          totalMinor: 15,
        }),
      ],
      'Europe/Moscow',
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/\n/);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...SALES_CSV_COLUMNS]);
    const byName = rows.slice(1).map((r) => Object.fromEntries(SALES_CSV_COLUMNS.map((c, i) => [c, r[i]])));
    expect(byName[0]).toEqual({
      order_id: 'o-2',
      terminal_id: 'till-1',
      time: '2026-11-03T12:30:00.000+03:00',
      payment_method: 'card',
      currency: 'USD',
      total: '29.96',
      refunded: '12.00',
      net: '17.96',
      loyalty: 'yes',
      items: '1 x Mala broth; 2 x Sliced lamb',
      chain_state: 'recorded',
      tx_hash: '0xfeed',
      block_height: '42',
      terminal_seq: '7',
      record_hash: 'ab'.repeat(32),
    });
    expect(byName[1]).toMatchObject({
      order_id: 'o-1',
      total: '0.15',
      items: '3 x Tofu, "silken"',
      block_height: '',
    });
  });
});

describe('allSales', () => {
  it('follows nextBefore through every page of the window', async () => {
    const all = Array.from({ length: 1234 }, (_, i) => sale(`o-${1234 - i}`));
    const asked: Array<number | undefined> = [];
    const list: SalesLister = async ({ from, to, limit, before }) => {
      expect({ from, to }).toEqual({ from: 10, to: 20 });
      asked.push(before);
      const start = before === undefined ? 0 : 1234 - before + 1;
      const items = all.slice(start, start + limit);
      const last = start + limit < all.length ? 1234 - (start + limit - 1) : null;
      return { items, nextBefore: last };
    };
    const got = await allSales(list, { from: 10, to: 20 });
    expect(got.map((s) => s.orderId)).toEqual(all.map((s) => s.orderId));
    expect(asked).toEqual([undefined, 735, 235]);
  });
});
