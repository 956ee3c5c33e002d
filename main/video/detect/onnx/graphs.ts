/**
 * face-api's two face detectors, rebuilt as ONNX graphs from the same weights
 * (`@vladmandic/face-api/model/*`, read from disk), layer for layer as face-api's TensorFlow.js code
 * runs them (src/tinyYolov2/TinyYolov2Base.ts runMobilenet, src/ssdMobilenetv1/*). No new weights and
 * nothing downloaded: the graph is built in memory when a detector starts.
 *
 * Both graphs take NHWC float32 input (what face-api feeds its networks, already normalized) and
 * give their raw outputs in face-api's layout; decoding and non-max suppression are in `decode.ts`.
 */
import type { ModelFiles, WeightSpec } from '../models';
import { DetectError } from '../errors';
import type { OnnxGraph, OnnxNode, OnnxInitializer } from './proto';

interface Weight {
  shape: number[];
  data: Float32Array;
}

/** Dequantizes a tfjs weights manifest's tensors (float32, optionally uint8/uint16-quantized), by name. */
export function decodeWeights(files: ModelFiles): Map<string, Weight> {
  const out = new Map<string, Weight>();
  const buf = new Uint8Array(files.weights);
  const count = (s: WeightSpec): number => s.shape.reduce((a, b) => a * b, 1);
  const want = files.specs.reduce((sum, s) => sum + count(s) * bytesPer(s), 0);
  if (want !== buf.length)
    throw new DetectError(
      'MODEL_MISSING',
      `${files.model}: the weight files hold ${buf.length} bytes, the manifest describes ${want}; reinstall @vladmandic/face-api`,
    );
  let at = 0;
  for (const s of files.specs) {
    out.set(s.name, { shape: s.shape, data: readSpec(s, buf, at, count(s)) });
    at += count(s) * bytesPer(s);
  }
  return out;
}

function bytesPer(s: WeightSpec): number {
  const q = s.quantization?.dtype;
  return q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4;
}

function readSpec(s: WeightSpec, buf: Uint8Array, at: number, n: number): Float32Array {
  const view = new DataView(buf.buffer, buf.byteOffset + at, n * bytesPer(s));
  const out = new Float32Array(n);
  const q = s.quantization;
  if (q && q.dtype !== 'float16') {
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < n; i++)
      out[i] = (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(i, true)) * scale + min;
  } else if (q) {
    throw new DetectError('MODEL_MISSING', `${s.name}: float16-quantized weights are not supported`);
  } else if (s.dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (s.dtype === 'int32') {
    for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
  } else {
    throw new DetectError('MODEL_MISSING', `${s.name}: weights of type ${s.dtype} are not supported`);
  }
  return out;
}

/** A graph under construction: the model's weights by name, and the nodes and constants added so far. */
class Builder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private n = 0;

  constructor(private readonly w: Map<string, Weight>) {}

  weight(name: string): Weight {
    const t = this.w.get(name);
    if (!t)
      throw new DetectError(
        'MODEL_MISSING',
        `the model has no weight ${name}; reinstall @vladmandic/face-api`,
      );
    return t;
  }

  constant(dims: number[], data: Float32Array): string {
    const name = `w${this.n++}`;
    this.initializers.push({ name, dims, data });
    return name;
  }

  /** Adds a node; its output is named `out` (a graph output) or gets a fresh name. */
  op(op: string, inputs: string[], attrs?: OnnxNode['attrs'], out = `t${this.n++}`): string {
    this.nodes.push({ op, inputs, outputs: [out], attrs });
    return out;
  }

  /** A TF conv filter [kh, kw, in, out] as an ONNX Conv weight [out, in, kh, kw]. */
  convWeight(name: string): { name: string; out: number; k: number } {
    const t = this.weight(name);
    const [kh, kw, ci, co] = t.shape as [number, number, number, number];
    const o = new Float32Array(t.data.length);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < ci; i++)
          for (let c = 0; c < co; c++)
            o[((c * ci + i) * kh + y) * kw + x] = t.data[((y * kw + x) * ci + i) * co + c]!;
    return { name: this.constant([co, ci, kh, kw], o), out: co, k: kh };
  }

  /** A TF depthwise filter [kh, kw, C, 1], scaled per channel by `scale`, as an ONNX grouped Conv weight [C, 1, kh, kw]. */
  depthwiseWeight(name: string, scale?: Float32Array): { name: string; channels: number } {
    const t = this.weight(name);
    const [kh, kw, c] = t.shape as [number, number, number];
    const o = new Float32Array(t.data.length);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < c; i++)
          o[(i * kh + y) * kw + x] = t.data[(y * kw + x) * c + i]! * (scale?.[i] ?? 1);
    return { name: this.constant([c, 1, kh, kw], o), channels: c };
  }

  vector(name: string): string {
    const t = this.weight(name);
    return this.constant([t.data.length], t.data);
  }

  /** NHWC → NCHW or back. */
  transpose(x: string, toNchw: boolean): string {
    return this.op('Transpose', [x], { perm: toNchw ? [0, 3, 1, 2] : [0, 2, 3, 1] });
  }

  graph(input: string, outputs: Array<{ name: string; dims: Array<number | string> }>): OnnxGraph {
    return {
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: [{ name: input, dims: [1, 'height', 'width', 3] }],
      outputs,
    };
  }
}

const LEAKY_ALPHA = { float: 0.10000000149011612 };

/**
 * The tiny face detector: conv0 (3×3, valid) + leaky ReLU, then five depthwise-separable blocks
 * (zero-padded 3×3 depthwise, 1×1 pointwise, bias, leaky ReLU 0.1) with 2×2 max-pools ('same'),
 * then conv8 (1×1, 25 channels = 5 anchors × [x, y, w, h, score]).
 * Input `input` [1, height, width, 3] (mean-subtracted, /255; sides multiples of 32); output `boxes`
 * [1, height/32, width/32, 25].
 */
export function tinyFaceGraph(w: Map<string, Weight>): OnnxGraph {
  const b = new Builder(w);
  const c0 = b.convWeight('conv0/filters');
  let x = b.transpose('input', true);
  x = b.op('Conv', [x, c0.name, b.vector('conv0/bias')], { kernel_shape: [3, 3] });
  x = b.op('LeakyRelu', [x], { alpha: LEAKY_ALPHA });
  const pool = (stride: number): void => {
    x = b.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [stride, stride], auto_pad: 'SAME_UPPER' });
  };
  const separable = (i: number): void => {
    const d = b.depthwiseWeight(`conv${i}/depthwise_filter`);
    x = b.op('Conv', [x, d.name], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: d.channels });
    const p = b.convWeight(`conv${i}/pointwise_filter`);
    x = b.op('Conv', [x, p.name, b.vector(`conv${i}/bias`)], { kernel_shape: [1, 1] });
    x = b.op('LeakyRelu', [x], { alpha: LEAKY_ALPHA });
  };
  for (let i = 1; i <= 5; i++) {
    pool(2);
    separable(i);
  }
  pool(1);
  for (const i of [6, 7]) if (w.has(`conv${i}/depthwise_filter`)) separable(i);
  const c8 = b.convWeight('conv8/filters');
  x = b.op('Conv', [x, c8.name, b.vector('conv8/bias')], { kernel_shape: [1, 1] });
  b.op('Transpose', [x], { perm: [0, 2, 3, 1] }, 'boxes');
  return b.graph('input', [{ name: 'boxes', dims: [1, 'rows', 'cols', c8.out] }]);
}

/** ssd_mobilenetv1's batch-norm epsilon (face-api src/ssdMobilenetv1/mobileNetV1.ts). */
const BN_EPSILON = 0.0010000000474974513;

/**
 * SSD MobileNetV1 (face-api's): MobileNetV1 with ReLU6, depthwise batch norm folded into the
 * depthwise weights, the prediction layers, and six box predictors, concatenated as face-api does.
 * Input `input` [1, height, width, 3] (x/127.5 − 1; face-api feeds 512², `ssdGridAnchors` lays the
 * anchors out for other shapes); outputs `box_encodings` [1, anchors, 4] and
 * `class_predictions` [1, anchors, 3]. TF 'same' padding is ONNX SAME_UPPER (the extra row and
 * column of a stride-2 layer go at the end).
 */
export function ssdGraph(w: Map<string, Weight>): OnnxGraph {
  const b = new Builder(w);
  const zero = b.constant([], new Float32Array([0]));
  const six = b.constant([], new Float32Array([6]));
  const relu6 = (t: string): string => b.op('Clip', [t, zero, six]);
  const pointwise = (x: string, prefix: string, stride: number): string => {
    const f = b.convWeight(`${prefix}/weights`);
    const y = b.op('Conv', [x, f.name, b.vector(`${prefix}/convolution_bn_offset`)], {
      kernel_shape: [f.k, f.k],
      strides: [stride, stride],
      auto_pad: 'SAME_UPPER',
    });
    return relu6(y);
  };
  const depthwise = (x: string, i: number, stride: number): string => {
    const p = `MobilenetV1/Conv2d_${i}_depthwise`;
    const gamma = b.weight(`${p}/BatchNorm/gamma`).data;
    const beta = b.weight(`${p}/BatchNorm/beta`).data;
    const mean = b.weight(`${p}/BatchNorm/moving_mean`).data;
    const variance = b.weight(`${p}/BatchNorm/moving_variance`).data;
    // batchNorm(conv(x)) = conv(x)·s + (beta − mean·s), s = gamma / sqrt(var + eps)
    const s = gamma.map((g, c) => g / Math.sqrt(variance[c]! + BN_EPSILON));
    const bias = beta.map((v, c) => v - mean[c]! * s[c]!);
    const d = b.depthwiseWeight(`${p}/depthwise_weights`, s);
    const y = b.op('Conv', [x, d.name, b.constant([bias.length], bias)], {
      kernel_shape: [3, 3],
      strides: [stride, stride],
      auto_pad: 'SAME_UPPER',
      group: d.channels,
    });
    return relu6(y);
  };

  let x = b.transpose('input', true);
  x = pointwise(x, 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11 = '';
  for (let i = 1; i <= 13; i++) {
    x = depthwise(x, i, [2, 4, 6, 12].includes(i) ? 2 : 1);
    x = pointwise(x, `MobilenetV1/Conv2d_${i}_pointwise`, 1);
    if (i === 11) conv11 = x;
  }
  const conv: string[] = [];
  let y = x;
  for (let i = 0; i <= 7; i++) {
    y = pointwise(y, `Prediction/Conv2d_${i}_pointwise`, i % 2 === 1 ? 2 : 1);
    conv.push(y);
  }
  const sources = [conv11, x, conv[1]!, conv[3]!, conv[5]!, conv[7]!];
  const boxes: string[] = [];
  const classes: string[] = [];
  const predict = (src: string, prefix: string, last: number): string => {
    const f = b.convWeight(`${prefix}/weights`);
    const out = b.op('Conv', [src, f.name, b.vector(`${prefix}/biases`)], { kernel_shape: [1, 1] });
    // NHWC, then [1, cells × anchors, last]: the order face-api's tf.reshape gives
    return b.op('Reshape', [b.transpose(out, false), shapeConstant(b, last)]);
  };
  sources.forEach((src, i) => {
    boxes.push(predict(src, `Prediction/BoxPredictor_${i}/BoxEncodingPredictor`, 4));
    classes.push(predict(src, `Prediction/BoxPredictor_${i}/ClassPredictor`, 3));
  });
  b.op('Concat', boxes, { axis: 1 }, 'box_encodings');
  b.op('Concat', classes, { axis: 1 }, 'class_predictions');
  return b.graph('input', [
    { name: 'box_encodings', dims: [1, 'anchors', 4] },
    { name: 'class_predictions', dims: [1, 'anchors', 3] },
  ]);
}

// Reshape's shape input must be int64; initializers here are float32, so the shape comes from a
// Constant node with an int64 tensor attribute instead.
function shapeConstant(b: Builder, last: number): string {
  return b.op('Constant', [], { value_ints: [1, -1, last] });
}

/** SSD's anchor boxes [ymin, xmin, ymax, xmax] in the padded 512² square (weight `Output/extra_dim`). */
export function ssdAnchors(w: Map<string, Weight>): Float32Array {
  const t = w.get('Output/extra_dim');
  if (!t || t.shape.length !== 3 || t.shape[2] !== 4)
    throw new DetectError(
      'MODEL_MISSING',
      'ssd_mobilenetv1 has no anchor boxes (Output/extra_dim); reinstall @vladmandic/face-api',
    );
  return t.data;
}
