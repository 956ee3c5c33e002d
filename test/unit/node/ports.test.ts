import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freeTcpPorts, freeTcpPortsFrom } from '../../../main/node/ports';

const held: Server[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
});
/** Holds `port` on 127.0.0.1 until the test ends. */
async function hold(port: number): Promise<void> {
  const s = createServer();
  held.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', resolve);
  });
}

describe('freeTcpPortsFrom', () => {
  it('gives neighbouring ports from the first, skipping a busy one', async () => {
    const [base] = await freeTcpPorts(1);
    await hold(base! + 1).catch(() => undefined); // taken by something else already: as good
    const ports = await freeTcpPortsFrom(base!, 3, '127.0.0.1');
    expect(ports[0]).toBe(base);
    expect(ports).not.toContain(base! + 1);
    expect(new Set(ports).size).toBe(3);
    expect(ports.every((p, i) => i === 0 || p > ports[i - 1]!)).toBe(true);
  });

  it('refuses with a typed error when the range runs out', async () => {
    await hold(65535).catch(() => undefined); // busy or not, two ports cannot fit from 65535
    await expect(freeTcpPortsFrom(65535, 2, '127.0.0.1')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});
