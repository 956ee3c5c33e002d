import { createServer, type Server } from 'node:net';
import { NodeError } from './errors';

/** `count` distinct TCP ports free on 127.0.0.1 right now (all held open until every one is found). */
export async function freeTcpPorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = createServer();
      servers.push(s);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/**
 * `count` TCP ports free on `host` right now, the first ones from `first` up (busy ones skipped), so
 * several nodes on one computer get neighbouring, predictable ports. Throws when fewer than `count`
 * are free below 65536.
 */
export async function freeTcpPortsFrom(first: number, count: number, host: string): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let port = first; ports.length < count; port++) {
      if (port > 65535)
        throw new NodeError(
          'BAD_ARGUMENT',
          `only ${ports.length} of ${count} TCP ports from ${first} up are free on ${host}: stop what holds them, or ask for fewer`,
        );
      const s = createServer();
      const free = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.listen(port, host, () => resolve(true));
      });
      if (free) {
        servers.push(s);
        ports.push(port);
      }
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}
