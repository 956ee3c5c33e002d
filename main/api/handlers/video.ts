import type { Handlers } from '../../contract';
import type { videoMethods } from '../../contract/video';
import type { VideoService } from '../../video/service';

/** What the video handlers use. */
export interface VideoHandlersDeps {
  video: VideoService;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** Handlers of the `video.*` methods. */
export function videoHandlers(deps: VideoHandlersDeps): Handlers<typeof videoMethods> {
  const v = deps.video;
  return {
    'video.cameras': async () => v.cameras(),
    'video.discover': async () =>
      (await v.discover()).map((d) => ({
        urn: d.urn,
        name: d.name,
        hardware: d.hardware,
        location: d.location,
        xaddrs: d.xaddrs,
        added: d.added,
      })),
    'video.addCamera': async (input) => v.addCamera(input),
    'video.removeCamera': async ({ id }) => {
      await v.removeCamera(id);
      return { ok: true as const };
    },
    'video.configureCamera': async ({ id, ...rest }) => v.configureCamera(id, rest),
    'video.snapshot': async ({ id }) => ({ jpegBase64: b64(await v.snapshot(id)) }),
    'video.live': async ({ id }) => {
      const j = v.lastLiveJpeg(id);
      return { jpegBase64: j ? b64(j) : null };
    },
    'video.recordings': async (input) => v.recordings(input),
    'video.verifyRecording': async ({ id }) => v.verifyRecording(id),
    'video.consents': async ({ cameraId }) => v.consents(cameraId),
    'video.addConsent': async (input) => v.addConsent(input),
    'video.revokeConsent': async ({ id }) => {
      v.revokeConsent(id);
      return { ok: true as const };
    },
    'video.streamTargets': async () => v.streamTargets(),
    'video.saveStreamTarget': async (input) => v.saveStreamTarget(input),
    'video.deleteStreamTarget': async ({ id }) => {
      v.deleteStreamTarget(id);
      return { ok: true as const };
    },
    'video.startStream': async ({ cameraId, url, targetId, bitrateKbps }) =>
      v.startStream(cameraId, targetId !== undefined ? { targetId } : url!, bitrateKbps),
    'video.stopStream': async ({ cameraId }) => {
      v.stopStream(cameraId);
      return { ok: true as const };
    },
  };
}
