/**
 * Just enough of the ONNX protobuf format (onnx/onnx.proto, IR version 8) to write a model in
 * memory: a graph of nodes with float32 initializers. Field numbers are the ones onnx.proto gives.
 * Nothing is read back: ONNX Runtime parses what this writes, and the tests run what it builds.
 */

/** An attribute value: integer, float, string or a list of integers. */
export type AttrValue = number | string | number[] | { float: number };

/** One node of the graph: `op` is the ONNX operator (opset 13). */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

/** A float32 constant tensor of the graph (weights, biases). */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** A graph input or output: its name and shape (a string is a symbolic dimension). */
export interface OnnxValue {
  name: string;
  dims: Array<number | string>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const; // AttributeProto.AttributeType

class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  private varint(value: number): this {
    // int64 fields: negative values are written as their 64-bit two's complement (10 bytes)
    let n = BigInt(value);
    if (n < 0n) n += 1n << 64n;
    const out: number[] = [];
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) b |= 0x80;
      out.push(b);
    } while (n > 0n);
    return this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: 0 | 2 | 5): this {
    return this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.key(field, 5).push(b);
  }

  bytes(field: number, b: Uint8Array): this {
    return this.key(field, 2).varint(b.length).push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Writer): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

function attribute(name: string, v: AttrValue): Writer {
  const w = new Writer().string(1, name);
  if (typeof v === 'string') return w.bytes(4, new TextEncoder().encode(v)).int(20, ATTR.STRING);
  if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    return w.int(20, ATTR.INTS);
  }
  if (typeof v === 'object') return w.float(2, v.float).int(20, ATTR.FLOAT);
  if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer (use { float })`);
  return w.int(3, v).int(20, ATTR.INT);
}

function valueInfo(v: OnnxValue): Writer {
  const shape = new Writer();
  for (const d of v.dims)
    shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

/** Serializes `graph` as an ONNX ModelProto (IR 8, default domain opset 13). */
export function encodeModel(graph: OnnxGraph, producer = 'hotpot'): Uint8Array {
  const g = new Writer();
  graph.nodes.forEach((n, i) => {
    const w = new Writer();
    for (const x of n.inputs) w.string(1, x);
    for (const x of n.outputs) w.string(2, x);
    w.string(3, `${n.op}_${i}`).string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, attribute(k, v));
    g.message(1, w);
  });
  g.string(2, 'main');
  for (const t of graph.initializers) {
    const w = new Writer();
    for (const d of t.dims) w.int(1, d);
    w.int(2, FLOAT).string(8, t.name);
    // raw_data is little-endian float32, as Float32Array is on every platform Node runs on
    w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    g.message(5, w);
  }
  for (const v of graph.inputs) g.message(11, valueInfo(v));
  for (const v of graph.outputs) g.message(12, valueInfo(v));
  return new Writer()
    .int(1, 8)
    .string(2, producer)
    .message(7, g)
    .message(8, new Writer().string(1, '').int(2, 13))
    .finish();
}
