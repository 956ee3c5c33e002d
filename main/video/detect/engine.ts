import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { frameKernels, type FrameKernels } from '../../../native';
import type { FaceBox, FaceDetectorOptions, Frame } from '../types';
import { DetectError } from './errors';
import { readModelFiles } from './models';
import { loadOnnxRuntime, OnnxFaceModel } from './onnx/runtime';
import { tinyBoxToInput, tinyInputTensorData } from './tiny-input';

/**
 * Defaults of `createFaceDetector()` and of the file CLI: tiny face detector on a 416 px copy, scores
 * from 0.2 (all 22 faces of the full-size demo photos, ≈ 22 ms a frame). Cameras do NOT use it:
 * VideoService's default is ssd_mobilenetv1, the only configuration `bin/hotpot bench video`
 * (part privacy) measured to leave no face detectable and every face covered on camera-sized frames
 * (640×360 … 1920×1080, held-out sizes and sensor noise); tiny misses small faces there.
 */
export const DEFAULT_DETECTOR_OPTIONS: Readonly<FaceDetectorOptions> = Object.freeze({
  model: 'tiny_face_detector',
  inputSizePx: 416,
  minScore: 0.2,
  backend: 'auto',
  smallFaces: 'off',
});

/** The detection size when none is given: tiny's default, and 512 for ssd (the scale it was trained at). */
const DEFAULT_SIZE_PX: Record<FaceDetectorOptions['model'], number> = {
  tiny_face_detector: DEFAULT_DETECTOR_OPTIONS.inputSizePx,
  ssd_mobilenetv1: 512,
};

/** Checks detector options from outside and fills defaults. */
export function parseDetectorOptions(input: Partial<FaceDetectorOptions> = {}): FaceDetectorOptions {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULT_DETECTOR_OPTIONS, ...given } as FaceDetectorOptions;
  if (input.inputSizePx === undefined && Object.hasOwn(DEFAULT_SIZE_PX, o.model))
    o.inputSizePx = DEFAULT_SIZE_PX[o.model];
  if (o.model !== 'tiny_face_detector' && o.model !== 'ssd_mobilenetv1') {
    throw new DetectError(
      'BAD_OPTIONS',
      `model must be tiny_face_detector or ssd_mobilenetv1, got ${String(o.model)}`,
    );
  }
  if (
    !Number.isInteger(o.inputSizePx) ||
    o.inputSizePx < 64 ||
    o.inputSizePx > 2048 ||
    o.inputSizePx % 32 !== 0
  ) {
    throw new DetectError(
      'BAD_OPTIONS',
      `inputSizePx must be a multiple of 32 from 64 to 2048, got ${String(o.inputSizePx)}`,
    );
  }
  if (!(o.minScore >= 0 && o.minScore <= 1))
    throw new DetectError('BAD_OPTIONS', `minScore must be from 0 to 1, got ${String(o.minScore)}`);
  if (!['auto', 'onnx', 'tfjs-node', 'wasm', 'cpu'].includes(o.backend)) {
    throw new DetectError(
      'BAD_OPTIONS',
      `backend must be auto, onnx, tfjs-node, wasm or cpu, got ${String(o.backend)}`,
    );
  }
  if (!['off', 'motion', 'sweep'].includes(o.smallFaces))
    throw new DetectError(
      'BAD_OPTIONS',
      `smallFaces must be off, motion or sweep, got ${String(o.smallFaces)}`,
    );
  return o;
}

/** The downscaled rgb24 copy the model sees, and the factors that map its pixels back to the frame. */
export interface DetectorInput {
  input: Frame;
  scaleX: number;
  scaleY: number;
}

/** Downscales `frame` (rgb24 or yuv420p) so its longest side is at most `inputSizePx`, as rgb24. */
export function prepareDetectorInput(
  frame: Frame,
  inputSizePx: number,
  kernels: FrameKernels = frameKernels(),
): DetectorInput {
  const scale = Math.min(1, inputSizePx / Math.max(frame.width, frame.height));
  const w = Math.max(1, Math.min(frame.width, Math.round(frame.width * scale)));
  const h = Math.max(1, Math.min(frame.height, Math.round(frame.height * scale)));
  const input =
    w === frame.width && h === frame.height ? kernels.toRgb24(frame) : kernels.downscaleToRgb24(frame, w, h);
  return { input, scaleX: frame.width / w, scaleY: frame.height / h };
}

/** Maps boxes found on a detector input back to full-frame pixels, clipped to the frame. */
export function mapBoxesToFrame(
  boxes: readonly FaceBox[],
  prep: DetectorInput,
  frameWidth: number,
  frameHeight: number,
): FaceBox[] {
  return boxes.map((b) => {
    const x0 = Math.max(0, b.x * prep.scaleX);
    const y0 = Math.max(0, b.y * prep.scaleY);
    const x1 = Math.min(frameWidth, (b.x + b.width) * prep.scaleX);
    const y1 = Math.min(frameHeight, (b.y + b.height) * prep.scaleY);
    return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0), score: b.score };
  });
}

/** The parts of face-api's TinyFaceDetector used directly (see `detectTiny`). */
interface TinyNetInternals {
  params: unknown;
  config: { iouThreshold: number; meanRgb: [number, number, number] };
  runMobilenet(x: TF.Tensor4D, params: unknown): TF.Tensor4D;
  extractBoxes(
    out: TF.Tensor4D,
    inputDims: { width: number; height: number },
    scoreThreshold: number,
  ): Promise<
    Array<{
      score: number;
      box: { x: number; y: number; width: number; height: number; rescale(s: number): unknown };
    }>
  >;
}

// TensorFlow.js and face-api are loaded on first use only, so importing this module (e.g. for
// createFaceDetector, which runs the model in a worker) keeps them out of the calling thread.
let tf: typeof TF;
let faceapi: typeof FaceApi;
let libsLoaded: Promise<void> | undefined;
function loadLibs(): Promise<void> {
  libsLoaded ??= (async () => {
    tf = await import('@tensorflow/tfjs');
    faceapi = await import('@vladmandic/face-api/dist/face-api.node-wasm.js');
  })();
  return libsLoaded;
}

let backendReady: Promise<string> | undefined;

async function tryTfjsNode(): Promise<boolean> {
  // tfjs-node is an optional dependency (prebuilt binaries it downloads at install are not reachable here);
  // the specifier is a variable so bundlers leave it alone.
  const name = '@tensorflow/tfjs-node';
  try {
    await import(/* @vite-ignore */ name);
    return (
      tf.findBackend('tensorflow') !== undefined || tf.engine().registryFactory['tensorflow'] !== undefined
    );
  } catch {
    return false;
  }
}

/**
 * Makes TensorFlow.js use the requested backend in this thread (process-global in tfjs, so once per
 * thread): tfjs-node when installed, else WASM with SIMD (its .wasm files loaded from node_modules).
 * @returns the tfjs backend name in use ('tensorflow', 'wasm' or 'cpu')
 */
export function initTfBackend(backend: FaceDetectorOptions['backend']): Promise<string> {
  backendReady ??= (async () => {
    await loadLibs();
    if ((backend === 'auto' || backend === 'tfjs-node') && (await tryTfjsNode())) {
      await tf.setBackend('tensorflow');
    } else if (backend === 'tfjs-node') {
      throw new DetectError(
        'BACKEND_UNAVAILABLE',
        '@tensorflow/tfjs-node is not installed here: use backend auto or wasm',
      );
    } else if (backend === 'cpu') {
      await tf.setBackend('cpu');
    } else {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const req = createRequire(import.meta.url);
      // A directory path with a trailing separator: emscripten reads the .wasm with fs in Node, never fetch.
      wasm.setWasmPaths(
        join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/',
      );
      if (!(await tf.setBackend('wasm')))
        throw new DetectError('BACKEND_UNAVAILABLE', 'the TensorFlow.js WASM backend failed to initialise');
    }
    await tf.ready();
    return tf.getBackend();
  })();
  return backendReady.catch((err: unknown) => {
    backendReady = undefined;
    throw err;
  });
}

/** Whether the WASM backend runs with SIMD and with threads here (for reports). */
export async function wasmFeatures(): Promise<{ simd: boolean; threads: boolean }> {
  await loadLibs();
  return {
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
  };
}

/**
 * The model itself, in this thread: takes detector inputs (already downscaled rgb24) and returns
 * boxes in input pixels. `FaceDetector`s wrap it in-process or in a worker.
 */
export class DetectorEngine {
  private disposed = false;

  private constructor(
    readonly options: FaceDetectorOptions,
    readonly backend: string,
    private readonly onnx?: OnnxFaceModel,
  ) {}

  /**
   * Loads the backend and the model weights (from the npm package on disk). 'auto' takes ONNX
   * Runtime when onnxruntime-node loads (native kernels, ~6× faster than WASM here), else tfjs-node
   * when installed, else TensorFlow.js WASM.
   */
  static async create(input: Partial<FaceDetectorOptions> = {}): Promise<DetectorEngine> {
    const options = parseDetectorOptions(input);
    if (options.backend === 'onnx' || (options.backend === 'auto' && !('error' in loadOnnxRuntime())))
      return new DetectorEngine(options, 'onnx', await OnnxFaceModel.create(options));
    const backend = await initTfBackend(options.backend);
    const files = readModelFiles(options.model);
    const net =
      options.model === 'tiny_face_detector' ? faceapi.nets.tinyFaceDetector : faceapi.nets.ssdMobilenetv1;
    if (!net.isLoaded) {
      const map = tf.io.decodeWeights(files.weights, files.specs);
      net.loadFromWeightMap(map as unknown as Parameters<typeof net.loadFromWeightMap>[0]);
    }
    return new DetectorEngine(options, backend);
  }

  /** e.g. 'tiny_face_detector@416 (wasm)' */
  get description(): string {
    return `${this.options.model}@${this.options.inputSizePx} (${this.backend})`;
  }

  /**
   * Boxes on an rgb24 detector input, in its pixels. `sizePx` (a multiple of 32, tiny only) runs the
   * network at another size than the options' for this call: the small-face pass shows the tiny
   * detector each full-resolution window at twice its size.
   */
  async detectInput(input: Frame, sizePx = this.options.inputSizePx): Promise<FaceBox[]> {
    if (this.disposed) throw new DetectError('DISPOSED', 'the face detector was disposed; create a new one');
    if (input.format !== 'rgb24' || input.data.length !== input.width * input.height * 3) {
      throw new DetectError(
        'BAD_FRAME',
        `detector input must be a packed rgb24 frame, got ${input.format} ${input.width}x${input.height} with ${input.data.length} bytes`,
      );
    }
    if (
      sizePx !== this.options.inputSizePx &&
      (this.options.model !== 'tiny_face_detector' || sizePx % 32 !== 0)
    )
      throw new DetectError(
        'BAD_OPTIONS',
        `a per-call size needs the tiny detector and a multiple of 32, got ${sizePx}`,
      );
    if (this.onnx) {
      if (this.options.model === 'tiny_face_detector') this.checkTinyInput(input, sizePx);
      return this.onnx.detect(input, sizePx);
    }
    if (this.options.model === 'tiny_face_detector') return this.detectTiny(input, sizePx);
    const opts = new faceapi.SsdMobilenetv1Options({ minConfidence: this.options.minScore, maxResults: 100 });
    const t = tf.tensor3d(input.data, [input.height, input.width, 3], 'int32');
    try {
      const found = await faceapi.detectAllFaces(t as unknown as FaceApi.TNetInput, opts);
      return found.map((d) => ({
        x: d.box.x,
        y: d.box.y,
        width: d.box.width,
        height: d.box.height,
        score: d.score,
      }));
    } finally {
      t.dispose();
    }
  }

  /**
   * The tiny face detector without face-api's input pipeline: that pipeline pads, normalizes and
   * batches with tf.concat, which the WASM backend runs in JavaScript element by element (measured:
   * half of all detector time). The padded, mean-subtracted float input is built here in one pass
   * instead; the network, box decoding and non-max suppression are face-api's own (pinned 1.7.15).
   *
   * Like face-api, the input is scaled so its longest side is `inputSizePx` (upscaled, bilinear,
   * when the frame is smaller: a 640×360 frame at 832 shows the model faces 1.3× larger), then
   * padded bottom/right to a square. Boxes come back in the pixels of `input`.
   */
  private async detectTiny(input: Frame, size: number): Promise<FaceBox[]> {
    const { width: w, height: h } = input;
    this.checkTinyInput(input, size);
    const net = faceapi.nets.tinyFaceDetector as unknown as TinyNetInternals;
    const f = tinyInputTensorData(input, size, net.config.meanRgb);
    const x = tf.tensor4d(f.data, [1, size, size, 3], 'float32');
    let out: TF.Tensor4D | undefined;
    try {
      out = tf.tidy(() => net.runMobilenet(x, net.params));
      // Box coordinates relative to the whole padded square (correction factors 1): face-api would
      // take them relative to a square of the input's longest side, which is only right when that
      // side is exactly inputSizePx (the bug that misplaced every box of a frame smaller than it).
      const found = await net.extractBoxes(out, { width: size, height: size }, this.options.minScore);
      const scores = found.map((b) => b.score);
      const keep = faceapi.nonMaxSuppression(
        found.map((b) => b.box.rescale(size)) as unknown as Parameters<typeof FaceApi.nonMaxSuppression>[0],
        scores,
        net.config.iouThreshold,
        true,
      );
      // padded-square units → network pixels → pixels of `input`
      return keep.map((i) => {
        const b = found[i]!.box;
        const corners = {
          x0: b.x * size,
          y0: b.y * size,
          x1: (b.x + b.width) * size,
          y1: (b.y + b.height) * size,
          score: scores[i]!,
        };
        return tinyBoxToInput(corners, { w, h, scaledW: f.width, scaledH: f.height });
      });
    } finally {
      x.dispose();
      out?.dispose();
    }
  }

  private checkTinyInput(input: Frame, size: number): void {
    if (input.width > size || input.height > size)
      throw new DetectError(
        'BAD_FRAME',
        `tiny detector input ${input.width}x${input.height} is larger than inputSizePx ${size}`,
      );
  }

  /** Marks the engine unusable (TensorFlow.js weights stay loaded for other engines of this thread; an ONNX session is released). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.onnx?.dispose();
  }
}
