import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keccak256, nobleKeccak256, toHex, useKeccak256, utf8ToBytes } from '../../../main/chain/bytes';
import { installNativeKeccak } from '../../../main/node/native-keccak';
import { nativeKeccak256, nativeUnavailableReason } from '../../../native';

const native = nativeKeccak256();
if (!native)
  console.warn(`SKIP native keccak tests: ${nativeUnavailableReason() ?? 'the addon has no keccak256'}`);

describe.skipIf(!native)('the native keccak-256', () => {
  const k = native as NonNullable<typeof native>;

  it('gives the known answers (the empty string, "abc", 200 × 0xa3 across the 136-byte rate)', () => {
    expect(toHex(k(new Uint8Array(0)))).toBe(
      '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
    );
    expect(toHex(k(utf8ToBytes('abc')))).toBe(
      '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
    );
    expect(toHex(k(new Uint8Array(200).fill(0xa3)))).toBe(
      toHex(nobleKeccak256(new Uint8Array(200).fill(0xa3))),
    );
  });

  it('agrees with noble on every length up to 600 bytes and on any split into parts', () => {
    const data = new Uint8Array(600);
    for (let i = 0; i < data.length; i++) data[i] = (i * 89 + 13) & 0xff;
    for (let n = 0; n <= 600; n++) {
      const d = data.subarray(0, n);
      expect(toHex(k(d))).toBe(toHex(nobleKeccak256(d)));
    }
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), (parts) => {
        expect(toHex(k(...parts))).toBe(toHex(nobleKeccak256(...parts)));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses arguments that are not Uint8Arrays with a TypeError', () => {
    expect(() => (k as unknown as (x: unknown) => Uint8Array)('abc')).toThrow(TypeError);
  });

  it('is what the chain uses once installed; useKeccak256 refuses an implementation that disagrees', () => {
    try {
      expect(installNativeKeccak()).toBe(true);
      expect(toHex(keccak256(utf8ToBytes('abc')))).toBe(
        '0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45',
      );
      const broken = (...parts: Uint8Array[]): Uint8Array => {
        const h = k(...parts);
        if (parts.reduce((s, p) => s + p.length, 0) === 136) h[0] = (h[0] as number) ^ 1;
        return h;
      };
      expect(() => useKeccak256(broken)).toThrow(expect.objectContaining({ code: 'BAD_KECCAK' }));
      expect(toHex(keccak256(new Uint8Array(136)))).toBe(toHex(nobleKeccak256(new Uint8Array(136))));
    } finally {
      useKeccak256(null);
    }
  });
});
