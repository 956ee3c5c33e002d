/**
 * face-api's detectors run by ONNX Runtime's native CPU kernels (`onnxruntime-node`, whose npm
 * package carries the prebuilt library: nothing is compiled or downloaded at install). Measured
 * here against TensorFlow.js WASM+SIMD on the same weights, at the detection size: tiny_face_detector@416
 * 4.7 ms vs 21.5 ms, ssd_mobilenetv1 35 ms vs 187 ms (`bin/hotpot bench video --parts detector`).
 *
 * One intra-op thread per session: each camera has its own detector, and a pool per session would
 * only make cameras fight over the cores (ONNX Runtime's pool threads also spin while they wait).
 */
import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';
import type { FaceBox, FaceDetectorOptions, Frame } from '../../types';
import { DetectError } from '../errors';
import { readModelFiles } from '../models';
import { tinyBoxToInput, tinyInputTensorData } from '../tiny-input';
import { decodeSsd, decodeTiny, SSD_SIZE, ssdInputTensorData, TINY_MEAN_RGB } from './decode';
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
    private readonly anchors: Float32Array | undefined,
  ) {}

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
    try {
      const session = await loaded.ort.InferenceSession.create(encodeModel(graph), {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
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

  async detect(input: Frame): Promise<FaceBox[]> {
    return this.options.model === 'tiny_face_detector' ? this.detectTiny(input) : this.detectSsd(input);
  }

  private async detectTiny(input: Frame): Promise<FaceBox[]> {
    const size = this.options.inputSizePx;
    const { width: w, height: h } = input;
    const f = tinyInputTensorData(input, size, TINY_MEAN_RGB);
    const out = await this.session.run({ input: new this.rt.Tensor('float32', f.data, [1, size, size, 3]) });
    const t = out.boxes!;
    try {
      return decodeTiny(t.data as Float32Array, t.dims[1]!, this.options.minScore).map((b) =>
        tinyBoxToInput(b, size, { w, h, scaledW: f.width, scaledH: f.height }),
      );
    } finally {
      t.dispose();
    }
  }

  private async detectSsd(input: Frame): Promise<FaceBox[]> {
    const f = ssdInputTensorData(input);
    const out = await this.session.run({
      input: new this.rt.Tensor('float32', f.data, [1, SSD_SIZE, SSD_SIZE, 3]),
    });
    const enc = out.box_encodings!;
    const cls = out.class_predictions!;
    try {
      if (enc.dims[1] !== this.anchors!.length / 4)
        throw new DetectError(
          'MODEL_MISSING',
          `ssd_mobilenetv1 gave ${enc.dims[1]} boxes for ${this.anchors!.length / 4} anchors`,
        );
      return decodeSsd(
        enc.data as Float32Array,
        cls.data as Float32Array,
        this.anchors!,
        this.options.minScore,
        { width: input.width, height: input.height, scaledW: f.width, scaledH: f.height },
      );
    } finally {
      enc.dispose();
      cls.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
