import { describe, expect, it } from 'vitest';
import { historyToCsv } from '../../../main/wallet/csv';

describe('historyToCsv', () => {
  it('quotes, neutralizes formula cells, and reads direction from the account', () => {
    const me = '0x1111111111111111111111111111111111111111' as const;
    const other = '0x2222222222222222222222222222222222222222' as const;
    const csv = historyToCsv(me, [
      {
        txHash: '0xaa',
        height: null,
        timeMs: null,
        type: 'transfer',
        from: other,
        to: me,
        amount: 7n,
        fee: 1000n,
        status: 'pending',
      },
      {
        txHash: '0xbb',
        height: 3,
        timeMs: 0,
        type: 'transfer',
        from: me,
        to: other,
        amount: 5n,
        fee: 1000n,
        status: 'failed',
        error: '=HYPERLINK("x","y")',
      },
    ]);
    const lines = csv.split('\r\n');
    expect(lines[1]).toBe(`,0xaa,,transfer,in,${other},7,0,pending,`);
    expect(lines[2]).toBe(
      `1970-01-01T00:00:00.000Z,0xbb,3,transfer,out,${other},5,1000,failed,"'=HYPERLINK(""x"",""y"")"`,
    );
    expect(lines).toHaveLength(4);
  });
});
