import { describe, expect, it } from 'vitest';
import { readOrders } from '../../../../main/sales/import/group-orders';
import { ImportMapping } from '../../../../main/contract/sales-import';

const HEADER =
  'order_id,terminal_id,time,payment_method,currency,item_id,item_name,quantity,unit_price,tax,discount,loyalty_card';
const read = (csv: string, over: Partial<Parameters<typeof readOrders>[1]> = {}) =>
  readOrders(csv, { mapping: undefined, utcOffsetMinutes: 0, storeCurrency: 'USD', ...over });
const errorsOf = (r: ReturnType<typeof read>) => [...r.fileErrors, ...r.orders.flatMap((o) => o.errors)];

describe('a CSV file read into orders', () => {
  it('groups the rows of one order into one sale, in the order they first appear, wherever the rows are', () => {
    const csv = [
      HEADER,
      'A-1,till-1,2026-03-14T19:05:00Z,card,USD,broth-mala,Mala broth,1,12.90,1.03,,',
      'B-2,till-2,2026-03-14T19:06:00Z,Cash,USD,tea,Jasmine tea,2,"3,50",0,0,',
      'A-1,till-1,2026-03-14T19:05:00Z,card,USD,lamb,Sliced lamb,2,8.50,0.68,1.00,',
    ].join('\n');
    const r = read(csv);
    expect(errorsOf(r)).toEqual([]);
    expect(r.rows).toBe(3);
    expect(r.orders.map((o) => [o.orderId, o.rows])).toEqual([
      ['A-1', [2, 4]],
      ['B-2', [3]],
    ]);
    expect(r.orders[0]!.sale).toEqual({
      orderId: 'A-1',
      terminalId: 'till-1',
      timeMs: Date.parse('2026-03-14T19:05:00Z'),
      currency: 'USD',
      paymentMethod: 'card',
      lines: [
        {
          itemId: 'broth-mala',
          name: 'Mala broth',
          quantity: 1,
          unitPriceMinor: 1290,
          taxMinor: 103,
          discountMinor: 0,
        },
        {
          itemId: 'lamb',
          name: 'Sliced lamb',
          quantity: 2,
          unitPriceMinor: 850,
          taxMinor: 68,
          discountMinor: 100,
        },
      ],
    });
    expect(r.orders[1]!.sale).toMatchObject({
      paymentMethod: 'cash',
      lines: [{ quantity: 2, unitPriceMinor: 350 }],
    });
  });

  it('reads RFC 4180: quoted separators, doubled quotes and line breaks in a field, a BOM, CRLF', () => {
    const csv =
      '\uFEFF' +
      [
        HEADER,
        'A-1,till-1,2026-03-14 19:05,card,USD,set-1,"Set ""Chengdu"", for two\r\nwith extra broth",1,"1,234.50",,,LC-0042',
        'A-2,till-1,2026-03-14 19:07,card,USD,tea,Tea,1,2.00,,,',
        '',
      ].join('\r\n');
    const r = read(csv, { utcOffsetMinutes: 180 });
    expect(errorsOf(r)).toEqual([]);
    const [a1, a2] = r.orders;
    expect(a1!.sale!.lines[0]).toMatchObject({
      name: 'Set "Chengdu", for two\r\nwith extra broth',
      unitPriceMinor: 123450,
    });
    expect(a1!.sale!.loyaltyCard).toBe('LC-0042');
    expect(a1!.sale!.timeMs).toBe(Date.parse('2026-03-14T16:05:00Z'));
    // The quoted line break does not shift the row numbers after it.
    expect(a2!.rows).toEqual([3]);
  });

  it('finds common POS exports’ headers (semicolons, decimal commas, Qty, Receipt number, no item id)', () => {
    const csv = [
      'Receipt number;Date;Time;Register;Item;Qty;Price;VAT;Payment type',
      '10045;14.03.2026;19:05;POS 1;Mala broth;1;12,90;1,03;Visa',
      '10045;14.03.2026;19:05;POS 1;Jasmine tea;2;3,50;0;Visa',
    ].join('\n');
    const r = read(csv, { mapping: { defaultTerminalId: 'till-9' } });
    expect(r.columns).toMatchObject({
      orderId: { header: 'Receipt number' },
      date: { header: 'Date' },
      time: { header: 'Time' },
      quantity: { header: 'Qty' },
      unitPrice: { header: 'Price' },
    });
    // "POS 1" is not an id the chain takes: named on its row and column.
    expect(errorsOf(r)).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'Register',
        orderId: '10045',
        message: expect.stringMatching(/letters, digits/),
      }),
    ]);
    const fixed = read(csv.replaceAll('POS 1', 'pos-1'));
    expect(errorsOf(fixed)).toEqual([]);
    expect(fixed.orders[0]!.sale).toMatchObject({
      terminalId: 'pos-1',
      timeMs: Date.parse('2026-03-14T19:05:00Z'),
      paymentMethod: 'card',
      currency: 'USD',
      lines: [
        { itemId: 'mala-broth', unitPriceMinor: 1290, taxMinor: 103 },
        { itemId: 'jasmine-tea', quantity: 2, unitPriceMinor: 350 },
      ],
    });
  });

  it('takes a mapping file: its headers, delimiter, payment names and slashed dates', () => {
    const mapping = ImportMapping.parse(
      JSON.parse(`{
        "columns": { "orderId": "Chk", "time": ["Closed", "Opened"], "itemName": "Menu Item", "unitPrice": "Each",
                     "quantity": "Qty", "itemId": "PLU", "paymentMethod": "Tender" },
        "delimiter": "\\t",
        "slashDates": "mdy",
        "paymentMethods": { "House account": "other", "Amex": "card" }
      }`),
    );
    const csv = [
      'Chk\tOpened\tMenu Item\tPLU\tQty\tEach\tTender',
      '77\t03/04/2026 7:30 PM\tBeef tripe\t501\t1\t9.00\tHouse account',
    ].join('\n');
    const r = read(csv, { mapping });
    expect(errorsOf(r)).toEqual([]);
    expect(r.orders[0]!.sale).toMatchObject({
      orderId: '77',
      timeMs: Date.parse('2026-03-04T19:30:00Z'),
      paymentMethod: 'other',
      lines: [{ itemId: '501', name: 'Beef tripe', unitPriceMinor: 900 }],
    });
  });

  it('names the columns a file lacks, and reads no orders', () => {
    const r = read('order_id,item_name,amount\nA-1,Tea,2.00\n');
    expect(r.orders).toEqual([]);
    expect(r.fileErrors.map((e) => [e.row, e.column])).toEqual([
      [1, 'quantity'],
      [1, 'unitPrice'],
      [1, 'time'],
    ]);
    expect(r.fileErrors[0]!.message).toMatch(/mapping/);
  });

  it('names each bad value by row and column: dates, amounts, negative quantities, currency, totals, disagreeing rows', () => {
    const csv = [
      HEADER,
      'A-1,till-1,2026-02-30 10:00,card,USD,tea,Tea,1,2.00,,,', // no such date
      'A-2,till-1,2026-03-01 10:00,card,USD,tea,Tea,-1,2.00,,,', // a return
      'A-3,till-1,2026-03-01 10:00,card,USD,tea,Tea,1,1.005,,,', // a tenth of a cent
      'A-4,till-1,2026-03-01 10:00,card,RUB,tea,Tea,1,200,,,', // another currency
      'A-5,till-1,2026-03-01 10:00,card,USD,tea,Tea,1,2.00,,2.00,', // comes to nothing
      'A-6,till-1,2026-03-01 10:00,card,USD,tea,Tea,1,2.00,,,',
      'A-6,till-2,2026-03-01 10:00,card,USD,tea,Tea,1,2.00,,,', // another till for the same order
      ',till-1,2026-03-01 10:00,card,USD,tea,Tea,1,2.00,,,', // no order
      'A-7,till-1,2026-03-01 10:00,bitcoin,USD,tea,Tea,1,-2.00,,,',
      'A-8,till-1,2026-03-01 10:00,card,USD,tea,Tea,1,2.00', // short row
      ',,,,,,,,,,,', // a spreadsheet's empty row: ignored
      'A-9,till-1,2026-03-01 10:00,card,USD,tea,Tea,1,2.00,,,',
    ].join('\n');
    const r = read(csv);
    const errors = errorsOf(r)
      .map((e) => [e.row, e.column, e.message] as const)
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    expect(errors).toEqual([
      [2, 'time', expect.stringMatching(/not a real date/)],
      [3, 'quantity', expect.stringMatching(/negative: returns are not imported/)],
      [4, 'unit_price', expect.stringMatching(/"1.005" has 3 decimals; the currency has 2 \(USD\)/)],
      [5, 'currency', 'the order is in RUB; this store sells in USD'],
      [6, null, expect.stringMatching(/comes to 0 minor units/)],
      [8, 'terminal_id', expect.stringMatching(/differs from row 7/)],
      [9, 'order_id', expect.stringMatching(/no order id/)],
      [10, 'payment_method', expect.stringMatching(/not a payment method/)],
      [10, 'unit_price', expect.stringMatching(/negative/)],
      [11, null, expect.stringMatching(/has 9 fields; the header has 12/)],
    ]);
    expect(r.orders.filter((o) => o.sale).map((o) => o.orderId)).toEqual(['A-9']);
    expect(r.rows).toBe(11);
  });

  it('answers an unreadable file with the line it failed at (an unclosed quote)', () => {
    const r = read(`${HEADER}\nA-1,till-1,2026-03-01 10:00,card,USD,tea,"Tea,1,2.00,,,\n`);
    expect(r.orders).toEqual([]);
    expect(r.fileErrors).toEqual([
      { row: 2, column: null, orderId: null, message: expect.stringMatching(/not valid CSV.*line 2/) },
    ]);
  });
});
