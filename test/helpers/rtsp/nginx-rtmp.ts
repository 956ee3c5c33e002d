import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Debian's nginx with the RTMP module, run as our own process on 127.0.0.1 with a temp prefix:
 * application `live` records every published stream to `<prefix>/rec/<name>.flv`.
 */
export class NginxRtmp {
  private child: ChildProcess | undefined;
  port = 0;

  constructor(readonly prefix: string) {}

  /** Where a published stream named `name` is recorded. */
  recordingOf(name: string): string {
    return join(this.prefix, 'rec', `${name}.flv`);
  }

  url(name: string): string {
    return `rtmp://127.0.0.1:${this.port}/live/${name}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    for (const d of ['logs', 'rec', 'tmp']) mkdirSync(join(this.prefix, d), { recursive: true });
    const conf = `
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
master_process off;
worker_processes 1;
pid ${this.prefix}/nginx.pid;
error_log ${this.prefix}/logs/error.log info;
events { worker_connections 64; }
rtmp {
  server {
    listen 127.0.0.1:${this.port};
    application live {
      live on;
      record all;
      record_path ${this.prefix}/rec;
      record_unique off;
    }
  }
}
`;
    const file = join(this.prefix, 'nginx.conf');
    writeFileSync(file, conf);
    this.child = spawn(
      'nginx',
      ['-p', this.prefix, '-c', file, '-e', join(this.prefix, 'logs', 'error.log')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    this.child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    // Ready when the port accepts connections.
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`nginx exited: ${err} ${this.log()}`);
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(this.port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`nginx did not listen on ${this.port}: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  log(): string {
    try {
      return readFileSync(join(this.prefix, 'logs', 'error.log'), 'utf8').slice(-2000);
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGQUIT');
    const t = setTimeout(() => c.kill('SIGKILL'), 3000);
    await new Promise((r) => c.once('exit', r));
    clearTimeout(t);
  }
}
