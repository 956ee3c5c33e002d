import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';

/**
 * The SOAP answers of a real camera as another ONVIF client library recorded them: the `onvif` npm
 * package (agsh/onvif, MIT) ships them as its server mock-up's fixtures (test/serverMockup/*.xml, one
 * file per operation; its 0.6.x releases include them). None of them was written by this project: the
 * envelope, prefixes, namespaces and profile layout are the device's, not our simulator's.
 */
export const REPLAYED_ANSWERS_DIR = join(appRoot(), 'node_modules', 'onvif', 'test', 'serverMockup');

/** The address the recorded answers name for the device (rewritten to where the replay listens). */
const RECORDED_HOST = '192.168.68.111';

/**
 * A camera that answers ONVIF with the recorded answers, on 127.0.0.1: each POST gets the answer
 * file named after the operation in its body, with the device's recorded address replaced by the
 * replay's own and its recorded stream URI by `rtspUri` (a live RTSP server of the test). It does not
 * check credentials (the recorded answers are the authenticated ones).
 */
export class ReplayedCamera {
  private server: Server | undefined;
  private port = 0;
  /** Operations asked for, in order (an operation without a recorded answer is marked `!`). */
  readonly asked: string[] = [];

  constructor(private readonly rtspUri: string) {
    if (!existsSync(REPLAYED_ANSWERS_DIR))
      throw new Error(`no recorded ONVIF answers at ${REPLAYED_ANSWERS_DIR}: run bin/hotpot setup`);
  }

  /** host:port, as a user would type it into "add by address". */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const op = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body)?.[1] ?? '';
        const file = join(REPLAYED_ANSWERS_DIR, `${op}.xml`);
        if (!op || !existsSync(file)) {
          this.asked.push(`${op}!`);
          res.writeHead(400, { 'Content-Type': 'application/soap+xml' }).end();
          return;
        }
        this.asked.push(op);
        const answer = readFileSync(file, 'utf8')
          .replace(/rtsp:\/\/[^<]*/g, this.rtspUri)
          .replaceAll(`http://${RECORDED_HOST}/`, `http://${this.address}/`);
        res.writeHead(200, { 'Content-Type': 'application/soap+xml; charset=utf-8' }).end(answer);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
    this.server = undefined;
  }
}
