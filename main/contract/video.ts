/**
 * The cameras' part of the API contract. No camera password ever leaves the node (it goes in with
 * `video.addCamera` and is stored sealed), and no picture crosses this edge that did not go through
 * the anonymizer: live JPEGs, snapshots and recordings are all outputs of the privacy pipeline.
 */
import { z } from 'zod';
import { AUDITED, type EventRights, type EventTable, type MethodTable, method } from './define';
import { PEOPLE, allow, allowWithStepUp } from './access';

const Id = z.string().min(1).max(64);
const Point = z.object({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) });
/** A privacy mask: a polygon in normalized frame coordinates. */
export const PrivacyMaskSchema = z.object({
  points: z.array(Point).min(3, 'a mask needs at least 3 points').max(64),
});
export const AnonymizeSchema = z.object({
  replaceWith: z.enum(['blur', 'pixelate', 'solid']),
  maskScale: z.number().min(1).max(3),
  threshold: z.number().min(0).max(1),
});

const Stats = z.object({
  frames: z.number(),
  detections: z.number(),
  detectionsLate: z.number(),
  failClosed: z.number(),
  dropped: z.number(),
  lastDetectMs: z.number(),
  detectorErrors: z.number(),
  sceneChanges: z.number(),
  badFrames: z.number(),
  rawDropped: z.number(),
  /** Live JPEGs the camera's worker encoded (it encodes none while nobody watches). */
  liveJpegs: z.number(),
});

/**
 * The range of the owner's per-camera caps on what it records: a width in pixels (even, since
 * H.264 in 4:2:0 needs even sides) and a frame rate. A cap above the camera's own changes nothing.
 */
export const CAMERA_LIMITS = Object.freeze({
  maxWidth: { min: 160, max: 7680 },
  maxFps: { min: 1, max: 60 },
});

/** The owner's caps on one camera (null: none, the camera's own size or rate). */
const CaptureLimitsInput = {
  maxWidth: z
    .number()
    .int()
    .min(CAMERA_LIMITS.maxWidth.min, `maxWidth is at least ${CAMERA_LIMITS.maxWidth.min} px`)
    .max(CAMERA_LIMITS.maxWidth.max, `maxWidth is at most ${CAMERA_LIMITS.maxWidth.max} px`)
    .refine((w) => w % 2 === 0, 'maxWidth must be even (H.264 frames have even sides)')
    .nullable()
    .optional(),
  maxFps: z
    .number()
    .int()
    .min(CAMERA_LIMITS.maxFps.min, `maxFps is at least ${CAMERA_LIMITS.maxFps.min}`)
    .max(CAMERA_LIMITS.maxFps.max, `maxFps is at most ${CAMERA_LIMITS.maxFps.max}`)
    .nullable()
    .optional(),
};

/** The platforms a stream target can be preset for (main/video/stream/presets.ts); 'custom' takes a server URL. */
export const StreamPreset = z.enum(['twitch', 'youtube', 'custom']);
export type StreamPreset = z.infer<typeof StreamPreset>;

/** A saved stream target as the API shows it: never its key, only the key's last 4 characters behind dots. */
export const StreamTargetView = z.object({
  id: z.number().int(),
  name: z.string(),
  preset: StreamPreset,
  /** The ingest URL without the key. */
  serverUrl: z.string(),
  /** `••••abcd`: the key's last 4 characters (only dots for a short key). */
  keyHint: z.string(),
  createdAtMs: z.number(),
});
export type StreamTargetView = z.infer<typeof StreamTargetView>;

/** One of a camera's ONVIF media profiles: its token and name, its own size and rate (0: not said). */
export const StreamView = z.object({
  profileToken: z.string(),
  profileName: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number(),
});
export type StreamView = z.infer<typeof StreamView>;

export const CameraView = z.object({
  id: z.string(),
  name: z.string(),
  xaddr: z.string(),
  username: z.string(),
  /** What the camera records (and the live view and stream show): its main stream at its own size and rate, lowered only by the node's and the owner's caps. */
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number(),
  /** The main stream's profile, the one recorded, at its own size and rate. */
  source: StreamView,
  /** The camera's smallest other profile, remembered for a live view or a first detection pass (null: it has one stream). */
  subStream: StreamView.nullable(),
  /** The owner's caps on this camera (null: none). */
  maxWidth: z.number().int().nullable(),
  maxFps: z.number().int().nullable(),
  /** The smallest face (width in pixels of the recording) the face detector protects at this size and the node's detector settings. */
  protectsFacesFromPx: z.number().int(),
  info: z.record(z.string(), z.string()),
  masks: z.array(PrivacyMaskSchema),
  anonymize: AnonymizeSchema,
  state: z.enum(['online', 'offline', 'auth-failed', 'streaming', 'error', 'stopped']),
  message: z.string(),
  recording: z.enum(['off', 'on', 'disk-full', 'failed']),
  recordingMessage: z.string(),
  streaming: z.boolean(),
  stats: Stats.nullable(),
  lastFrameAtMs: z.number().nullable(),
  /** Windows and browsers watching its live view now (with none, no live JPEG is made). */
  liveWatchers: z.number().int(),
});
export type CameraView = z.infer<typeof CameraView>;

export const DiscoveredCamera = z.object({
  urn: z.string(),
  name: z.string(),
  hardware: z.string(),
  location: z.string(),
  xaddrs: z.array(z.string()),
  added: z.boolean(),
});

const Anchor = z.object({ height: z.number().int(), tx: z.string(), timeMs: z.number() }).nullable();
export const RecordingView = z.object({
  id: z.number().int(),
  cameraId: z.string(),
  file: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  bytes: z.number(),
  frames: z.number(),
  sha256: z.string(),
  cid: z.string(),
  anchor: Anchor,
  anchorState: z.enum(['anchored', 'pending']),
  deletedAtMs: z.number().nullable(),
  /** The CID of the copy sealed to HQ's key (`bin/hotpot video fetch CID` at HQ); null until published. */
  publishedCid: z.string().nullable(),
});
export type RecordingView = z.infer<typeof RecordingView>;

export const ConsentView = z.object({
  id: z.number().int(),
  cameraId: z.string(),
  grantedBy: z.string(),
  scope: z.string(),
  startsMs: z.number(),
  endsMs: z.number(),
  note: z.string(),
  createdAtMs: z.number(),
  revokedAtMs: z.number().nullable(),
});

export const videoMethods = {
  'video.cameras': method(z.object({}).strict(), z.array(CameraView), allow(PEOPLE.viewers)),
  'video.discover': method(z.object({}).strict(), z.array(DiscoveredCamera), allow(PEOPLE.managers)),
  'video.addCamera': method(
    z
      .object({
        address: z.string().trim().min(1, 'enter the camera address, e.g. 192.168.1.20').max(512),
        name: z.string().trim().max(80).optional(),
        username: z.string().max(128),
        password: z.string().max(256),
        /** The profile to record; without it the largest one (the main stream). */
        profileToken: z.string().max(64).optional(),
        ...CaptureLimitsInput,
      })
      .strict(),
    CameraView,
    allowWithStepUp(PEOPLE.managers),
    AUDITED,
  ),
  'video.removeCamera': method(
    z.object({ id: Id }).strict(),
    z.object({ ok: z.literal(true) }),
    allow(PEOPLE.managers),
    AUDITED,
  ),
  'video.configureCamera': method(
    z
      .object({
        id: Id,
        masks: z.array(PrivacyMaskSchema).max(32).optional(),
        anonymize: AnonymizeSchema.partial().optional(),
        recording: z.boolean().optional(),
        ...CaptureLimitsInput,
      })
      .strict(),
    CameraView,
    allow(PEOPLE.managers),
    AUDITED,
  ),
  /** An anonymized JPEG of the camera's next frame, base64. */
  'video.snapshot': method(
    z.object({ id: Id }).strict(),
    z.object({ jpegBase64: z.string() }),
    allow(PEOPLE.viewers),
  ),
  /** The latest anonymized live JPEG (base64), or null before the first one (none is made while nobody watches). */
  'video.live': method(
    z.object({ id: Id }).strict(),
    z.object({ jpegBase64: z.string().nullable() }),
    allow(PEOPLE.viewers),
  ),
  'video.recordings': method(
    z
      .object({
        cameraId: Id.optional(),
        limit: z.number().int().min(1).max(500).default(100),
        beforeMs: z.number().optional(),
      })
      .strict(),
    z.array(RecordingView),
    allow(PEOPLE.viewers),
  ),
  'video.verifyRecording': method(
    z.object({ id: z.number().int().min(1) }).strict(),
    z.object({ recording: RecordingView, fileMatches: z.boolean(), sha256: z.string().nullable() }),
    allow(PEOPLE.viewers),
  ),
  'video.consents': method(
    z.object({ cameraId: Id.optional() }).strict(),
    z.array(ConsentView),
    allow(PEOPLE.viewers),
  ),
  'video.addConsent': method(
    z
      .object({
        cameraId: Id,
        grantedBy: z.string().trim().min(1, 'say who consented').max(200),
        scope: z.string().trim().min(1, 'say what was consented to, e.g. "live stream on Twitch"').max(500),
        startsMs: z.number().int(),
        endsMs: z.number().int(),
        note: z.string().max(1000).optional(),
      })
      .strict(),
    ConsentView,
    allow(PEOPLE.managers),
    AUDITED,
  ),
  'video.revokeConsent': method(
    z.object({ id: z.number().int().min(1) }).strict(),
    z.object({ ok: z.literal(true) }),
    allow(PEOPLE.managers),
    AUDITED,
  ),
  /** The saved stream targets; a key is shown only as its hint (`••••abcd`). */
  'video.streamTargets': method(z.object({}).strict(), z.array(StreamTargetView), allow(PEOPLE.managers)),
  /** Saves a stream target: a preset (or a custom server URL) and its stream key, stored sealed. */
  'video.saveStreamTarget': method(
    z
      .object({
        name: z.string().trim().min(1, 'name the target, e.g. "Twitch"').max(100),
        preset: StreamPreset,
        /** RTMPS (TLS) unless false; for a preset. */
        secure: z.boolean().optional(),
        /** The server URL without the key (rtmp://host/app), for 'custom'. */
        serverUrl: z.string().max(1024).optional(),
        streamKey: z.string().min(1, 'paste the stream key from the platform').max(512),
      })
      .strict(),
    StreamTargetView,
    allowWithStepUp(PEOPLE.managers),
    AUDITED,
  ),
  'video.deleteStreamTarget': method(
    z.object({ id: z.number().int().min(1) }).strict(),
    z.object({ ok: z.literal(true) }),
    allow(PEOPLE.managers),
    AUDITED,
  ),
  /** Streams a camera to a saved target (`targetId`) or to an ingest URL with its key (`url`). */
  'video.startStream': method(
    z
      .object({
        cameraId: Id,
        url: z.string().min(1).max(2048).optional(),
        targetId: z.number().int().min(1).optional(),
        bitrateKbps: z.number().int().min(200).max(20000).optional(),
      })
      .strict()
      .refine((i) => (i.url === undefined) !== (i.targetId === undefined), 'give either targetId or url'),
    z.object({ consentId: z.number().int(), endsMs: z.number() }),
    allowWithStepUp(PEOPLE.managers),
    AUDITED,
  ),
  'video.stopStream': method(
    z.object({ cameraId: Id }).strict(),
    z.object({ ok: z.literal(true) }),
    allow(PEOPLE.managers),
    AUDITED,
  ),
} satisfies MethodTable;

export const videoEvents = {
  'video.status': z.object({ cameras: z.array(CameraView) }),
  /**
   * An anonymized live JPEG of one camera (low rate, small size), pushed only to those watching it
   * ({@link LiveWatchRequest}): over IPC as is (the bytes structured-cloned), on `/ws` as a binary
   * message (main/contract/live-frame.ts), never as JSON.
   */
  'video.live': z.object({
    cameraId: z.string(),
    atMs: z.number(),
    jpeg: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected the JPEG as bytes (a Uint8Array)'),
  }),
} satisfies EventTable;

/** The most cameras one window or browser may watch at once. */
export const MAX_WATCHED_CAMERAS = 64;

/**
 * What a window or browser says to watch live: the cameras whose live view it shows now (it
 * replaces what it said before; an empty list stops). A browser sends it as JSON on `/ws`, the
 * window through `window.hotpot.watchLive`. Cameras nobody watches make no live JPEG.
 *
 * @example ws.send(JSON.stringify({ type: 'watch', cameraIds: ['cam-1'] }))
 */
export const LiveWatchRequest = z
  .object({
    type: z.literal('watch'),
    cameraIds: z.array(Id).max(MAX_WATCHED_CAMERAS, `watch at most ${MAX_WATCHED_CAMERAS} cameras at once`),
  })
  .strict();
export type LiveWatchRequest = z.infer<typeof LiveWatchRequest>;

/** Who receives each of the video events. */
export const videoEventRights = {
  'video.status': allow(PEOPLE.viewers),
  'video.live': allow(PEOPLE.viewers),
} satisfies EventRights<typeof videoEvents>;
