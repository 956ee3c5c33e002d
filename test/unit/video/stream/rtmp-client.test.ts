import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeAmf0, encodeAmf0, type Amf0Value } from '../../../../main/video/stream/amf0';
import { FLV_TAG, type FlvTag } from '../../../../main/video/stream/flv-tags';
import { parseIngestUrl } from '../../../../main/video/stream/ingest-url';
import { RtmpClient } from '../../../../main/video/stream/rtmp-client';
import { ChunkReader, MSG, writeChunks, type RtmpMessage } from '../../../../main/video/stream/rtmp-chunks';

/**
 * A small RTMP server on loopback that answers as an ingest does (handshake, connect, createStream,
 * publish) and records what the client sent; `answerConnect` changes its answer to connect.
 */
class IngestOnLoopback {
  readonly received: RtmpMessage[] = [];
  socket: Socket | undefined;
  private readonly server: Server;
  port = 0;

  constructor(private readonly opts: { answerConnect?: '_result' | '_error'; ackWindowBytes?: number } = {}) {
    this.server = createServer((s) => this.serve(s));
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    await new Promise((r) => this.server.close(r));
  }

  private send(m: Omit<RtmpMessage, 'timestampMs'>, csid = 3): void {
    this.socket!.write(writeChunks({ ...m, timestampMs: 0 }, csid, 128));
  }

  private command(streamId: number, ...values: Amf0Value[]): void {
    this.send({ typeId: MSG.commandAmf0, streamId, payload: encodeAmf0(...values) });
  }

  private serve(s: Socket): void {
    this.socket = s;
    let hs = Buffer.alloc(0);
    let handshaken = false;
    const reader = new ChunkReader();
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      if (!handshaken) {
        hs = Buffer.concat([hs, d]);
        if (hs.length < 1537) return;
        const c1 = hs.subarray(1, 1537);
        if (hs.length === 1537) s.write(Buffer.concat([Buffer.of(3), Buffer.alloc(1536, 7), c1]));
        if (hs.length < 1537 + 1536) return;
        handshaken = true;
        d = hs.subarray(1537 + 1536);
      }
      for (const m of reader.push(d)) this.onMessage(m);
    });
  }

  private onMessage(m: RtmpMessage): void {
    this.received.push(m);
    if (m.typeId !== MSG.commandAmf0) return;
    const [name, tx] = decodeAmf0(m.payload);
    if (name === 'connect') {
      if (this.opts.ackWindowBytes) {
        const w = Buffer.alloc(4);
        w.writeUInt32BE(this.opts.ackWindowBytes, 0);
        this.send({ typeId: MSG.windowAckSize, streamId: 0, payload: w }, 2);
      }
      if (this.opts.answerConnect === '_error')
        this.command(0, '_error', tx!, null, {
          level: 'error',
          code: 'NetConnection.Connect.Rejected',
          description: 'no such application',
        });
      else this.command(0, '_result', tx!, { fmsVer: 'test' }, { code: 'NetConnection.Connect.Success' });
      // A ping the client must answer.
      this.send({ typeId: MSG.userControl, streamId: 0, payload: Buffer.of(0, 6, 0, 0, 1, 2) }, 2);
    } else if (name === 'createStream') this.command(0, '_result', tx!, null, 1);
    else if (name === 'publish')
      this.command(1, 'onStatus', 0, null, {
        level: 'status',
        code: 'NetStream.Publish.Start',
        description: 'go',
      });
  }
}

function videoTag(i: number, keyframe: boolean, bytes = 10_000): FlvTag {
  const data = Buffer.alloc(bytes, i & 0xff);
  data[0] = keyframe ? 0x17 : 0x27;
  data[1] = 1;
  return { type: FLV_TAG.video, timestampMs: i * 40, data };
}

const servers: IngestOnLoopback[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function ingest(
  opts: ConstructorParameters<typeof IngestOnLoopback>[0] = {},
): Promise<IngestOnLoopback> {
  const s = new IngestOnLoopback(opts);
  await s.start();
  servers.push(s);
  return s;
}

const until = async (f: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('RtmpClient against an ingest on loopback', () => {
  it('sends the publish sequence, answers pings, acknowledges its window, and holds the GOP until Publish.Start', async () => {
    const server = await ingest({ ackWindowBytes: 64 });
    const c = new RtmpClient(parseIngestUrl(`rtmp://127.0.0.1:${server.port}/app/the-key`));
    // Before the server accepts: an inter frame (no keyframe yet) is dropped, a keyframe and what follows held.
    c.sendTag(videoTag(0, false));
    c.sendTag(videoTag(1, true));
    c.sendTag(videoTag(2, false));
    await c.ready;
    await until(() => server.received.filter((m) => m.typeId === MSG.video).length === 2);
    const commands = server.received
      .filter((m) => m.typeId === MSG.commandAmf0)
      .map((m) => decodeAmf0(m.payload));
    expect(commands.map((v) => v[0])).toEqual([
      'connect',
      'releaseStream',
      'FCPublish',
      'createStream',
      'publish',
    ]);
    expect(commands[0]![2]).toMatchObject({ app: 'app', tcUrl: `rtmp://127.0.0.1:${server.port}/app` });
    expect(commands[4]!.slice(3)).toEqual(['the-key', 'live']);
    expect(server.received[0]!.typeId).toBe(MSG.setChunkSize);
    const pong = server.received.find((m) => m.typeId === MSG.userControl)!;
    expect([...pong.payload]).toEqual([0, 7, 0, 0, 1, 2]);
    expect(server.received.some((m) => m.typeId === MSG.ack)).toBe(true);
    const video = server.received.filter((m) => m.typeId === MSG.video);
    expect(video.map((m) => [m.timestampMs, m.streamId])).toEqual([
      [40, 1],
      [80, 1],
    ]);
    expect(c.framesDropped).toBe(1);
    await c.close();
    expect(await c.ended).toBeNull();
  });

  it('drops video to the next keyframe while the socket is behind, holding at most maxQueuedBytes', async () => {
    const server = await ingest();
    const c = new RtmpClient(parseIngestUrl(`rtmp://127.0.0.1:${server.port}/app/k`), {
      maxQueuedBytes: 64 * 1024,
    });
    await c.ready;
    server.socket!.pause(); // the network stalls
    // 30 MB: more than the kernel's socket buffers on loopback take, so node's own queue fills.
    let maxQueued = 0;
    const queued = () => (c as unknown as { socket: Socket }).socket.writableLength;
    for (let i = 0; i < 600; i++) {
      c.sendTag(videoTag(i, i % 10 === 0, 50_000));
      maxQueued = Math.max(maxQueued, queued());
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(c.framesDropped).toBeGreaterThan(100);
    // What node holds stays under the limit plus one tag.
    expect(maxQueued).toBeLessThan(64 * 1024 + 51_000);
    server.socket!.resume();
    await until(() => queued() === 0);
    for (let i = 600; i < 620; i++) c.sendTag(videoTag(i, i % 10 === 0));
    await until(() => server.received.filter((m) => m.typeId === MSG.video).length === c.framesSent);
    // Every run of frames that went out starts at a keyframe; after the stall all of 600–619 do.
    const sent = server.received.filter((m) => m.typeId === MSG.video).map((m) => m.timestampMs / 40);
    for (let i = 0; i < sent.length; i++) if (sent[i - 1] !== sent[i]! - 1) expect(sent[i]! % 10).toBe(0);
    expect(sent.slice(-20)).toEqual(Array.from({ length: 20 }, (_, i) => 600 + i));
    expect(c.framesSent + c.framesDropped).toBe(620);
    await c.close();
  });

  it("an _error answer to connect is a typed 'refused', in the server's words", async () => {
    const server = await ingest({ answerConnect: '_error' });
    const c = new RtmpClient(parseIngestUrl(`rtmp://127.0.0.1:${server.port}/app/k3y-secret`));
    await expect(c.ready).rejects.toMatchObject({ code: 'STREAM_FAILED', data: { reason: 'refused' } });
    await expect(c.ready).rejects.toThrow(/refused connect: no such application/);
  });

  it("a server that never answers is a typed 'timeout'", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const c = new RtmpClient(parseIngestUrl(`rtmp://127.0.0.1:${port}/app/k`), { connectTimeoutMs: 300 });
    await expect(c.ready).rejects.toMatchObject({ code: 'STREAM_FAILED', data: { reason: 'timeout' } });
    silent.close();
  });
});
