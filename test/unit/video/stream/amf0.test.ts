import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EcmaArray, decodeAmf0, encodeAmf0, type Amf0Value } from '../../../../main/video/stream/amf0';
import { VideoError } from '../../../../main/video/errors';

describe('AMF0', () => {
  it('encodes a connect command as the spec lays it out', () => {
    const bytes = encodeAmf0('connect', 1, { app: 'live' }, null, true);
    expect(bytes.toString('hex')).toBe(
      [
        '02' + '0007' + Buffer.from('connect').toString('hex'),
        '00' + '3ff0000000000000',
        '03' +
          '0003' +
          Buffer.from('app').toString('hex') +
          '02' +
          '0004' +
          Buffer.from('live').toString('hex') +
          '000009',
        '05',
        '0101',
      ].join(''),
    );
  });

  it('round-trips numbers, strings, booleans, null, undefined, objects, ECMA and strict arrays', () => {
    const values: Amf0Value[] = [
      0,
      -1.5,
      2 ** 40,
      Number.MAX_VALUE,
      '',
      'NetStream.Publish.Start',
      'ключ потока',
      'x'.repeat(70_000),
      true,
      false,
      null,
      undefined,
      { level: 'status', code: 'NetStream.Publish.Start', nested: { n: 1, list: [1, 'a', null] } },
      new EcmaArray({ duration: 0, width: 640, height: 360, encoder: 'Lavf59.27.100', stereo: false }),
      [],
    ];
    expect(decodeAmf0(encodeAmf0(...values))).toEqual(values);
  });

  it('round-trips any value (property)', () => {
    const key = fc.string({ maxLength: 12 }).filter((k) => k !== '');
    const { value } = fc.letrec<{ value: Amf0Value }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.string(),
        fc.constant(null),
        fc.constant(undefined),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }).map((d) => new EcmaArray(d)),
        fc.array(tie('value'), { maxLength: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), (vs) => {
        expect(decodeAmf0(encodeAmf0(...vs))).toEqual(vs);
      }),
    );
  });

  it('refuses a cut-off value and an unknown type with a typed error', () => {
    const bytes = encodeAmf0('onStatus');
    expect(() => decodeAmf0(bytes.subarray(0, bytes.length - 1))).toThrow(VideoError);
    expect(() => decodeAmf0(Buffer.of(0x11))).toThrow(/AMF0 type 0x11/);
  });
});
