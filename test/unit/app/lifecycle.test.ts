import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../../main/app/lifecycle';
import type { Startable } from '../../../main/common/startable';

const quiet = { info: () => undefined, error: () => undefined };

function recorder(
  log: string[],
  name: string,
  opts: { failStart?: boolean; hangStop?: boolean } = {},
): Startable {
  return {
    start: async () => {
      if (opts.failStart) throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
    },
    stop: async () => {
      if (opts.hangStop) await new Promise(() => undefined);
      log.push(`stop ${name}`);
    },
  };
}

describe('Lifecycle', () => {
  it('starts in order and stops in reverse, once', async () => {
    const log: string[] = [];
    const lc = new Lifecycle(
      ['a', 'b', 'c'].map((n) => ({ name: n, service: recorder(log, n) })),
      quiet,
    );
    await lc.start();
    await Promise.all([lc.stop(), lc.stop()]);
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops what started when a later start fails, and rethrows', async () => {
    const log: string[] = [];
    const lc = new Lifecycle(
      [
        { name: 'a', service: recorder(log, 'a') },
        { name: 'b', service: recorder(log, 'b', { failStart: true }) },
        { name: 'c', service: recorder(log, 'c') },
      ],
      quiet,
    );
    await expect(lc.start()).rejects.toThrow('b cannot start');
    expect(log).toEqual(['start a', 'stop a']);
  });

  it('skips a stop that hangs past its timeout and still stops the rest', async () => {
    const log: string[] = [];
    const errors: string[] = [];
    const lc = new Lifecycle(
      [
        { name: 'a', service: recorder(log, 'a') },
        { name: 'b', service: recorder(log, 'b', { hangStop: true }) },
      ],
      { info: () => undefined, error: (_o, m) => errors.push(m) },
      50,
    );
    await lc.start();
    await lc.stop();
    expect(log).toEqual(['start a', 'start b', 'stop a']);
    expect(errors).toEqual(['stop timed out']);
  });
});
