/**
 * AMF0, the encoding of RTMP's commands (`connect`, `publish`, `onStatus`…) and of FLV's script
 * data (`onMetaData`), as Adobe's "Action Message Format – AMF 0" (2006) defines it: the types an
 * RTMP publisher meets (number, boolean, string, object, null, undefined, ECMA array, strict array).
 */
import { VideoError } from '../errors';

/** An AMF0 ECMA array (type 0x08): named values, as `onMetaData` carries them. */
export class EcmaArray {
  constructor(readonly entries: Record<string, Amf0Value>) {}
}

/** A value AMF0 can carry; a plain object is an AMF0 object (0x03), an array a strict array (0x0A). */
export type Amf0Value =
  number | boolean | string | null | undefined | EcmaArray | Amf0Value[] | { [name: string]: Amf0Value };

const NUMBER = 0x00;
const BOOLEAN = 0x01;
const STRING = 0x02;
const OBJECT = 0x03;
const NULL = 0x05;
const UNDEFINED = 0x06;
const ECMA_ARRAY = 0x08;
const OBJECT_END = 0x09;
const STRICT_ARRAY = 0x0a;
const LONG_STRING = 0x0c;

/** Nesting deeper than this in a server's answer is refused (a stack guard). */
const MAX_DEPTH = 32;

/**
 * The AMF0 encoding of `values`, one after another (as an RTMP command message holds them).
 *
 * @example encodeAmf0('connect', 1, { app: 'live' }) // → 02 00 07 'connect' 00 3ff0… 03 …
 */
export function encodeAmf0(...values: Amf0Value[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) writeValue(v, parts);
  return Buffer.concat(parts);
}

/** Every value in `buf` (an RTMP command or data message's payload); throws STREAM_FAILED when it is not AMF0. */
export function decodeAmf0(buf: Uint8Array): Amf0Value[] {
  const r = new Reader(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  const out: Amf0Value[] = [];
  while (r.pos < r.buf.length) out.push(r.value(0));
  return out;
}

function writeValue(v: Amf0Value, parts: Buffer[]): void {
  if (v === null) parts.push(Buffer.of(NULL));
  else if (v === undefined) parts.push(Buffer.of(UNDEFINED));
  else if (typeof v === 'number') {
    const b = Buffer.alloc(9);
    b[0] = NUMBER;
    b.writeDoubleBE(v, 1);
    parts.push(b);
  } else if (typeof v === 'boolean') parts.push(Buffer.of(BOOLEAN, v ? 1 : 0));
  else if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    if (s.length <= 0xffff) {
      const h = Buffer.alloc(3);
      h[0] = STRING;
      h.writeUInt16BE(s.length, 1);
      parts.push(h, s);
    } else {
      const h = Buffer.alloc(5);
      h[0] = LONG_STRING;
      h.writeUInt32BE(s.length, 1);
      parts.push(h, s);
    }
  } else if (Array.isArray(v)) {
    const h = Buffer.alloc(5);
    h[0] = STRICT_ARRAY;
    h.writeUInt32BE(v.length, 1);
    parts.push(h);
    for (const item of v) writeValue(item, parts);
  } else if (v instanceof EcmaArray) {
    const h = Buffer.alloc(5);
    h[0] = ECMA_ARRAY;
    h.writeUInt32BE(Object.keys(v.entries).length, 1);
    parts.push(h);
    writeProperties(v.entries, parts);
  } else {
    parts.push(Buffer.of(OBJECT));
    writeProperties(v, parts);
  }
}

function writeProperties(props: Record<string, Amf0Value>, parts: Buffer[]): void {
  for (const [name, value] of Object.entries(props)) {
    const n = Buffer.from(name, 'utf8');
    const h = Buffer.alloc(2);
    h.writeUInt16BE(n.length, 0);
    parts.push(h, n);
    writeValue(value, parts);
  }
  parts.push(Buffer.of(0, 0, OBJECT_END));
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new VideoError(
        'STREAM_FAILED',
        `AMF0 value cut off at byte ${this.pos} (needs ${n} more, ${this.buf.length - this.pos} left)`,
        { reason: 'protocol' },
      );
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  private utf8(len: number): string {
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  private u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  value(depth: number): Amf0Value {
    if (depth > MAX_DEPTH)
      throw new VideoError('STREAM_FAILED', `AMF0 value nested deeper than ${MAX_DEPTH}`, {
        reason: 'protocol',
      });
    const type = this.u8();
    switch (type) {
      case NUMBER: {
        this.need(8);
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case BOOLEAN:
        return this.u8() !== 0;
      case STRING:
        return this.utf8(this.u16());
      case LONG_STRING:
        return this.utf8(this.u32());
      case NULL:
        return null;
      case UNDEFINED:
        return undefined;
      case OBJECT:
        return this.properties(depth);
      case ECMA_ARRAY:
        this.u32(); // the count is a hint; the properties end with the end marker as an object's do
        return new EcmaArray(this.properties(depth));
      case STRICT_ARRAY: {
        const n = this.u32();
        const out: Amf0Value[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
        return out;
      }
      default:
        throw new VideoError(
          'STREAM_FAILED',
          `AMF0 type 0x${type.toString(16)} at byte ${this.pos - 1} is not one an RTMP publisher reads`,
          { reason: 'protocol' },
        );
    }
  }

  private properties(depth: number): Record<string, Amf0Value> {
    // No prototype: a server's "__proto__" property is only a name.
    const out = Object.create(null) as Record<string, Amf0Value>;
    for (;;) {
      const name = this.utf8(this.u16());
      if (name === '' && this.buf[this.pos] === OBJECT_END) {
        this.pos++;
        return out;
      }
      out[name] = this.value(depth + 1);
    }
  }
}
