/**
 * face-api's detectors run by ONNX Runtime's native CPU kernels (`onnxruntime-node`, whose npm
 * package carries the prebuilt library: nothing is compiled or downloaded at install), on the
 * frame's own shape rather than face-api's padded square (see `tinyInputTensorData`, `ssdGridAnchors`):
 * a 16:9 frame costs about half the square. Measured against TensorFlow.js WASM+SIMD on the same
 * weights with `bin/hotpot bench video --parts detector`.
 *
 * One intra-op thread per session: each camera has its own detector, and a pool per session would
 * only make cameras fight over the cores (ONNX Runtime's pool threads also spin while they wait).
 */
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import { frameKernels } from '../../../../native';
import type { FaceBox, FaceDetectorOptions, Frame } from '../../types';
import { DetectError } from '../errors';
import { readModelFiles } from '../models';
import { tinyBoxToInput, tinyInputTensorData } from '../tiny-input';
import { decodeSsd, decodeTiny, SSD_SIZE, ssdGridAnchors, ssdInputTensorData, TINY_MEAN_RGB } from './decode';
import { decodeWeights, ssdAnchors, ssdGraph, tinyFaceGraph } from './graphs';
import { encodeModel } from './proto';

/**
 * onnxruntime-node and worker threads: a thread ended with `terminate()` in the middle of a run aborts
 * the whole process ("terminate called after throwing an instance of 'Napi::Error'"; measured here on
 * the 6th of 6 terminations with runs in flight, never in 20 of idle threads; microsoft/onnxruntime#13086).
 * So detector threads are closed, not terminated: see CloseRequest (main/video/detect/protocol.ts)
 * and the capture worker's uncaughtException handler. Four threads running sessions at once ran clean.
 */
let ort: typeof Ort | undefined;
let loadError: string | undefined;

/** onnxruntime-node, or why it cannot load here (not installed, no binary for this platform). */
export function loadOnnxRuntime(): { ort: typeof Ort } | { error: string } {
  if (!ort && loadError === undefined) {
    try {
      // CommonJS package with a native binding: loaded on first use only (not in threads that never detect).
      const name = 'onnxruntime-node';
      ort = createRequire(import.meta.url)(name) as typeof Ort;
    } catch (err) {
      loadError = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    }
  }
  return ort ? { ort } : { error: loadError ?? 'unknown' };
}

/** A face model in an ONNX Runtime session; `detect` answers boxes in pixels of its rgb24 input. */
export class OnnxFaceModel {
  private constructor(
    private readonly options: FaceDetectorOptions,
    private readonly session: Ort.InferenceSession,
    private readonly rt: typeof Ort,
    private readonly squareAnchors: Float32Array | undefined,
  ) {}

  /** SSD anchors per network input shape (a camera's frames all have one). */
  private readonly anchors = new Map<string, Float32Array>();

  private anchorsFor(width: number, height: number): Float32Array {
    const key = `${width}x${height}`;
    let a = this.anchors.get(key);
    if (!a) {
      a = ssdGridAnchors(this.squareAnchors!, width, height);
      if (this.anchors.size > 8) this.anchors.clear();
      this.anchors.set(key, a);
    }
    return a;
  }

  static async create(options: FaceDetectorOptions): Promise<OnnxFaceModel> {
    const loaded = loadOnnxRuntime();
    if ('error' in loaded)
      throw new DetectError(
        'BACKEND_UNAVAILABLE',
        `ONNX Runtime (onnxruntime-node) does not load here: ${loaded.error}; use backend auto or wasm`,
      );
    const weights = decodeWeights(readModelFiles(options.model));
    const graph = options.model === 'tiny_face_detector' ? tinyFaceGraph(weights) : ssdGraph(weights);
    const anchors = options.model === 'ssd_mobilenetv1' ? ssdAnchors(weights) : undefined;
    // refuses anchors that are not a regular grid before any frame arrives
    if (anchors) ssdGridAnchors(anchors, SSD_SIZE, SSD_SIZE);
    try {
      const session = await loaded.ort.InferenceSession.create(encodeModel(graph), {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // The tiny network runs on windows of many shapes: ONNX Runtime would plan and keep a memory
        // pattern for each (measured: 147 MB more RSS after 90 detections of a 1080p CCTV clip, 56 MB
        // without, and no slower).
        enableMemPattern: options.model !== 'tiny_face_detector',
      });
      return new OnnxFaceModel(options, session, loaded.ort, anchors);
    } catch (err) {
      throw new DetectError(
        'BACKEND_UNAVAILABLE',
        `ONNX Runtime refused the ${options.model} graph: ${err instanceof Error ? err.message : String(err)}`,
        {},
        { cause: err },
      );
    }
  }

  /** Boxes in pixels of `input`; `sizePx` is the tiny network's size for this call (ssd: the options'). */
  async detect(input: Frame, sizePx = this.options.inputSizePx): Promise<FaceBox[]> {
    return this.options.model === 'tiny_face_detector'
      ? this.detectTiny(input, sizePx)
      : this.detectSsd(input);
  }

  /**
   * The tiny network's input, reused from run to run (a 480 px window at 2× is 11 MB). Taken by one
   * run at a time: a run that starts while another is in flight gets its own array.
   */
  private scratch: Float32Array | undefined = new Float32Array(0);

  private async detectTiny(input: Frame, size: number): Promise<FaceBox[]> {
    const { width: w, height: h } = input;
    const scratch = this.scratch;
    this.scratch = undefined;
    const mine = scratch && scratch.length >= size * size * 3 ? scratch : new Float32Array(size * size * 3);
    const f = tinyInputTensorData(input, size, TINY_MEAN_RGB, 'fit', frameKernels(), mine);
    let out: Ort.InferenceSession.ReturnType;
    try {
      out = await this.session.run({
        input: new this.rt.Tensor('float32', f.data, [1, f.netH, f.netW, 3]),
      });
    } finally {
      this.scratch = mine;
    }
    const t = out.boxes!;
    try {
      return decodeTiny(t.data as Float32Array, t.dims[1]!, t.dims[2]!, this.options.minScore).map((b) =>
        tinyBoxToInput(b, { w, h, scaledW: f.width, scaledH: f.height }),
      );
    } finally {
      t.dispose();
    }
  }

  private async detectSsd(input: Frame): Promise<FaceBox[]> {
    const f = ssdInputTensorData(input, this.options.inputSizePx);
    const anchors = this.anchorsFor(f.width, f.height);
    const out = await this.session.run({
      input: new this.rt.Tensor('float32', f.data, [1, f.height, f.width, 3]),
    });
    const enc = out.box_encodings!;
    const cls = out.class_predictions!;
    try {
      if (enc.dims[1] !== anchors.length / 4)
        throw new DetectError(
          'MODEL_MISSING',
          `ssd_mobilenetv1 gave ${enc.dims[1]} boxes for ${anchors.length / 4} anchors at ${f.width}x${f.height}`,
        );
      return decodeSsd(enc.data as Float32Array, cls.data as Float32Array, anchors, this.options.minScore, {
        width: input.width,
        height: input.height,
      });
    } finally {
      enc.dispose();
      cls.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
