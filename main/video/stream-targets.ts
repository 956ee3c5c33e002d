/**
 * The owner's saved stream targets (a platform preset or a server URL, and a stream key sealed by
 * the node's SecretBox): saved, listed with only a hint of the key, deleted, and turned into the
 * ingest URL a stream starts with. The key is unsealed only for that, and never leaves the node.
 */
import type { StreamPreset, StreamTargetView } from '../contract/video';
import { VideoError } from './errors';
import type { StreamTargetRow, VideoDb } from './record/video-db';
import type { SecretBox } from './secrets';
import { ingestUrl } from './stream/ingest-url';
import { serverUrlFor, streamKeyHint } from './stream/presets';

/** What {@link StreamTargets} uses. */
export interface StreamTargetsDeps {
  vdb: () => VideoDb;
  box: () => SecretBox;
  nowMs: () => number;
}

/** A stream target to save. */
export interface StreamTargetInput {
  name: string;
  preset: StreamPreset;
  /** RTMPS (the default) or plain RTMP, for a preset. */
  secure?: boolean;
  /** The server URL without the key, for 'custom'. */
  serverUrl?: string;
  streamKey: string;
}

/** Stream targets in the video db. */
export class StreamTargets {
  constructor(private readonly deps: StreamTargetsDeps) {}

  /** Saves a target (its key sealed); throws BAD_SETTINGS for a bad server URL or key. */
  save(input: StreamTargetInput): StreamTargetView {
    const key = input.streamKey.trim();
    if (!key || /[\s/]/.test(key))
      throw new VideoError(
        'BAD_SETTINGS',
        'the stream key must be one word (no spaces or "/"); copy it from the platform',
      );
    const serverUrl = serverUrlFor(input.preset, input);
    const id = this.deps.vdb().addStreamTarget({
      name: input.name.trim(),
      preset: input.preset,
      serverUrl,
      keySealed: this.deps.box().seal(key),
      createdAtMs: this.deps.nowMs(),
    });
    return this.view(this.need(id));
  }

  /** Every saved target, each key shown only as its hint. */
  list(): StreamTargetView[] {
    return this.deps
      .vdb()
      .streamTargets()
      .map((t) => this.view(t));
  }

  delete(id: number): void {
    if (!this.deps.vdb().deleteStreamTarget(id)) this.need(id);
  }

  /** The ingest URL (server URL and unsealed key) to stream to target `id`. */
  ingestUrlOf(id: number): string {
    const t = this.need(id);
    return ingestUrl(t.serverUrl, this.deps.box().unseal(t.keySealed));
  }

  private need(id: number): StreamTargetRow {
    const t = this.deps.vdb().streamTarget(id);
    if (!t)
      throw new VideoError(
        'STREAM_TARGET_NOT_FOUND',
        `stream target ${id} does not exist (deleted?); pick another`,
        {
          id,
        },
      );
    return t;
  }

  private view(t: StreamTargetRow): StreamTargetView {
    let keyHint: string;
    try {
      keyHint = streamKeyHint(this.deps.box().unseal(t.keySealed));
    } catch {
      keyHint = '(unreadable: save the key again)';
    }
    return {
      id: t.id,
      name: t.name,
      preset: t.preset as StreamPreset,
      serverUrl: t.serverUrl,
      keyHint,
      createdAtMs: t.createdAtMs,
    };
  }
}
