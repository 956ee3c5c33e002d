/**
 * The canonical binary encoding (pure). One valid encoding per value; decoding rejects anything else.
 *
 * Every top-level value starts with two bytes: its kind (`KIND`) and its encoding version (1).
 * Fields follow in a fixed order with no tags:
 * - `u8`: one byte. Enum values are u8 codes; booleans and option markers are 0 or 1 only.
 * - `uint` (numbers up to 2^53 - 1: heights, rounds, nonces, times in ms, lengths, counts):
 *   unsigned LEB128, minimal (no trailing 0x80/0x00 groups).
 * - `amount` (bigint, 0 ≤ x < 2^256: balances, fees, stakes): one length byte L (0…32) then L bytes
 *   big-endian with no leading zero byte (0 is the single byte 0x00).
 * - fixed bytes (address 20, hash 32, public key 33, signature 64/65): raw.
 * - `bytes`/`string`: uint length, then the bytes; strings are UTF-8 (well formed, no BOM stripped).
 * - lists: uint count (checked against the limit before anything is read), then the items.
 * - optional: 0 (absent) or 1 then the value.
 * A decoder must consume the input exactly: trailing bytes are `NON_CANONICAL`.
 * Size limits are checked before decoding anything else (`TX_TOO_LARGE`, `BLOCK_TOO_LARGE`).
 */
import { ChainError } from './errors';
import { fromHex, toHex } from './bytes';
import type { Hex } from './types';

/** The current encoding version of every kind. */
export const ENCODING_VERSION = 1;

/** First byte of every top-level encoding. */
export const KIND = {
  tx: 0x01,
  block: 0x02,
  header: 0x03,
  vote: 0x04,
  proposal: 0x05,
  commit: 0x06,
  evidence: 0x07,
  validatorSet: 0x08,
  genesis: 0x09,
  account: 0x10,
  validator: 0x11,
  franchise: 0x12,
  kyc: 0x13,
  anchor: 0x14,
  /** 0x15 was the per-order record, retired when sales became one sequence per franchise. */
  salesMark: 0x15,
  supply: 0x16,
  evidenceSeen: 0x17,
  epochSet: 0x18,
  chainMeta: 0x19,
  validatorIndex: 0x1a,
  auditAnchor: 0x1b,
  unbonding: 0x1c,
  unbondingDue: 0x1d,
  snapshotManifest: 0x1e,
  snapshotChunk: 0x1f,
} as const;

/** Size limits of decoded values. Genesis parameters may tighten them; decoders take them as input. */
export interface EncodingLimits {
  /** Largest transaction encoding in bytes. */
  maxTxBytes: number;
  /** Largest block encoding in bytes. */
  maxBlockBytes: number;
  /** Most transactions in a block. */
  maxBlockTxs: number;
  /** Most items in any list inside a transaction (sales, segments) or commit/evidence list. */
  maxItems: number;
}

/** The defaults: 64 KiB per tx, 16 MiB per block, 10,000 txs per block, 1,000 items per list. */
export const DEFAULT_LIMITS: EncodingLimits = {
  maxTxBytes: 64 * 1024,
  maxBlockBytes: 16 * 1024 * 1024,
  maxBlockTxs: 10_000,
  maxItems: 1_000,
};

const MAX_AMOUNT = (1n << 256n) - 1n;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const LONE_SURROGATE = /\p{Cs}/u;

/** Appends canonical fields to a growing buffer. */
export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** One byte. */
  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 255)
      throw new ChainError('MALFORMED', `expected a byte, got ${v}`);
    this.ensure(1);
    this.buf[this.len++] = v;
    return this;
  }

  /** 0 or 1. */
  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }

  /** Minimal unsigned LEB128 of a safe integer. */
  uint(v: number, field = 'value'): this {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new ChainError('MALFORMED', `${field} must be a non-negative safe integer, got ${v}`, { field });
    this.ensure(8);
    let n = v;
    while (n >= 0x80) {
      this.buf[this.len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.len++] = n;
    return this;
  }

  /** Minimal big-endian amount with a length byte. */
  amount(v: bigint, field = 'amount'): this {
    if (typeof v !== 'bigint' || v < 0n || v > MAX_AMOUNT)
      throw new ChainError('MALFORMED', `${field} must be a bigint in [0, 2^256), got ${String(v)}`, {
        field,
      });
    if (v === 0n) return this.u8(0);
    let hex = v.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    const bytes = fromHex(`0x${hex}`);
    this.u8(bytes.length);
    return this.raw(bytes);
  }

  /** Raw bytes of a fixed, known length. */
  fixed(bytes: Uint8Array, length: number, field = 'value'): this {
    if (bytes.length !== length)
      throw new ChainError('MALFORMED', `${field} must be ${length} bytes, got ${bytes.length}`, { field });
    return this.raw(bytes);
  }

  /** Fixed-length bytes given as hex. */
  hex(value: Hex, length: number, field = 'value'): this {
    return this.raw(fromHex(value, length, field));
  }

  /** Length-prefixed bytes. */
  bytes(bytes: Uint8Array, maxLength: number, field = 'bytes'): this {
    if (bytes.length > maxLength)
      throw new ChainError('MALFORMED', `${field} must be at most ${maxLength} bytes, got ${bytes.length}`, {
        field,
      });
    this.uint(bytes.length);
    return this.raw(bytes);
  }

  /** Length-prefixed UTF-8 string. */
  string(s: string, maxBytes: number, field = 'string'): this {
    if (typeof s !== 'string') throw new ChainError('MALFORMED', `${field} must be a string`, { field });
    if (LONE_SURROGATE.test(s))
      throw new ChainError('MALFORMED', `${field} is not well-formed Unicode`, { field });
    return this.bytes(utf8Encoder.encode(s), maxBytes, field);
  }

  /** A list with its count. */
  list<T>(items: readonly T[], maxItems: number, each: (w: this, item: T) => void, field = 'list'): this {
    if (items.length > maxItems)
      throw new ChainError(
        'TOO_MANY_ITEMS',
        `${field} has ${items.length} items; at most ${maxItems} are allowed`,
        { field, max: maxItems, got: items.length },
      );
    this.uint(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /** An optional value (0 = absent, 1 = present). */
  opt<T>(value: T | null | undefined, each: (w: this, v: T) => void): this {
    if (value === null || value === undefined) return this.u8(0);
    this.u8(1);
    each(this, value);
    return this;
  }

  /** Raw bytes with no length. */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  /** The encoded bytes (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Reads canonical fields, rejecting anything another encoder could not have produced. */
export class Reader {
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what = 'value',
  ) {}

  private need(n: number, field: string): void {
    if (this.pos + n > this.buf.length)
      throw new ChainError(
        'MALFORMED',
        `${this.what} is truncated: ${field} needs ${n} more bytes at offset ${this.pos}`,
        { field, offset: this.pos },
      );
  }

  /** Bytes left. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Current offset. */
  get offset(): number {
    return this.pos;
  }

  /** Reads and checks the kind and version header. */
  header(kind: number): void {
    const k = this.u8('kind');
    if (k !== kind)
      throw new ChainError(
        'MALFORMED',
        `${this.what}: expected kind 0x${kind.toString(16)}, got 0x${k.toString(16)}`,
        { expected: kind, got: k },
      );
    const v = this.u8('version');
    if (v !== ENCODING_VERSION)
      throw new ChainError(
        'UNSUPPORTED_VERSION',
        `${this.what}: encoding version ${v} is not supported (this node knows ${ENCODING_VERSION}); upgrade the node`,
        { got: v },
      );
  }

  /** One byte. */
  u8(field = 'byte'): number {
    this.need(1, field);
    return this.buf[this.pos++] as number;
  }

  /** 0 or 1 only. */
  bool(field = 'bool'): boolean {
    const b = this.u8(field);
    if (b > 1)
      throw new ChainError('NON_CANONICAL', `${this.what}: ${field} must be 0 or 1, got ${b}`, { field });
    return b === 1;
  }

  /** An enum code in [0, count). */
  enumCode(count: number, field: string): number {
    const b = this.u8(field);
    if (b >= count)
      throw new ChainError('MALFORMED', `${this.what}: ${field} has unknown code ${b}`, { field, got: b });
    return b;
  }

  /** Minimal LEB128 of a safe integer. */
  uint(field = 'uint'): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (i >= 8)
        throw new ChainError('MALFORMED', `${this.what}: ${field} is longer than a safe integer`, { field });
      const b = this.u8(field);
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0)
          throw new ChainError('NON_CANONICAL', `${this.what}: ${field} has a non-minimal encoding`, {
            field,
          });
        break;
      }
      scale *= 0x80;
    }
    if (!Number.isSafeInteger(result))
      throw new ChainError('MALFORMED', `${this.what}: ${field} exceeds 2^53 - 1`, { field });
    return result;
  }

  /** A minimal big-endian amount. */
  amount(field = 'amount'): bigint {
    const len = this.u8(field);
    if (len === 0) return 0n;
    if (len > 32)
      throw new ChainError('MALFORMED', `${this.what}: ${field} is ${len} bytes; amounts are at most 32`, {
        field,
      });
    const bytes = this.raw(len, field);
    if (bytes[0] === 0)
      throw new ChainError('NON_CANONICAL', `${this.what}: ${field} has a leading zero byte`, { field });
    return BigInt(toHex(bytes));
  }

  /** Raw bytes of a known length (a copy). */
  raw(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Fixed-length bytes as hex. */
  hex(n: number, field = 'bytes'): Hex {
    return toHex(this.raw(n, field));
  }

  /** Length-prefixed bytes. */
  bytes(maxLength: number, field = 'bytes'): Uint8Array {
    const n = this.uint(field);
    if (n > maxLength)
      throw new ChainError(
        'MALFORMED',
        `${this.what}: ${field} is ${n} bytes; at most ${maxLength} are allowed`,
        { field, max: maxLength, got: n },
      );
    return this.raw(n, field);
  }

  /** Length-prefixed UTF-8 string. */
  string(maxBytes: number, field = 'string'): string {
    const bytes = this.bytes(maxBytes, field);
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      throw new ChainError('MALFORMED', `${this.what}: ${field} is not valid UTF-8`, { field });
    }
  }

  /** A list; the count is checked against `maxItems` before any item is read. */
  list<T>(maxItems: number, each: (r: this, index: number) => T, field = 'list'): T[] {
    const n = this.uint(field);
    if (n > maxItems)
      throw new ChainError(
        'TOO_MANY_ITEMS',
        `${this.what}: ${field} has ${n} items; at most ${maxItems} are allowed`,
        { field, max: maxItems, got: n },
      );
    if (n > this.remaining)
      throw new ChainError(
        'MALFORMED',
        `${this.what}: ${field} claims ${n} items but only ${this.remaining} bytes are left`,
        { field },
      );
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this, i));
    return out;
  }

  /** An optional value. */
  opt<T>(each: (r: this) => T, field = 'optional'): T | null {
    return this.bool(field) ? each(this) : null;
  }

  /** Throws `NON_CANONICAL` unless every byte was read. */
  end(): void {
    if (this.pos !== this.buf.length)
      throw new ChainError('NON_CANONICAL', `${this.what} has ${this.buf.length - this.pos} trailing bytes`, {
        trailing: this.buf.length - this.pos,
      });
  }
}

/** Starts a top-level encoding of `kind`. */
export function writer(kind: number): Writer {
  return new Writer().u8(kind).u8(ENCODING_VERSION);
}

/** Decodes a top-level value: checks kind and version, runs `body`, and requires the input to be consumed. */
export function decodeWith<T>(bytes: Uint8Array, kind: number, what: string, body: (r: Reader) => T): T {
  if (!(bytes instanceof Uint8Array)) throw new ChainError('MALFORMED', `${what} must be bytes`);
  const r = new Reader(bytes, what);
  r.header(kind);
  const value = body(r);
  r.end();
  return value;
}
