// Hex is the chain's text for keys, addresses, hashes and signatures: both ways of writing it (Node's
// Buffer in the main process, joined pairs in the renderer) must give noble's lowercase hex exactly.
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, toHexByPairs } from '../../../main/chain/bytes';

describe('toHex', () => {
  it('writes the lowercase 0x hex noble writes, through Buffer and by pairs, for any bytes and view', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(8), (bytes, cut) => {
        const view = bytes.subarray(Math.min(cut, bytes.length));
        const want = `0x${bytesToHex(view)}`;
        expect(toHex(view)).toBe(want);
        expect(toHexByPairs(view)).toBe(want);
        expect(fromHex(toHex(view))).toEqual(view);
      }),
      { numRuns: 500 },
    );
    expect(toHex(new Uint8Array(0))).toBe('0x');
    expect(toHex(Uint8Array.of(0, 15, 16, 255))).toBe('0x000f10ff');
  });
});
