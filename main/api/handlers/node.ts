import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../../contract';
import type { NodeInfo, NodeStatus, nodeMethods } from '../../contract/node';

/** What the node handlers use: the status source (the app's StatusService), the node's info and its data dir. */
export interface NodeHandlersDeps {
  status: { status(): NodeStatus };
  info: NodeInfo;
  dataDir: string;
}

/** Handlers of the `node.*` methods. */
export function nodeHandlers(deps: NodeHandlersDeps): Handlers<typeof nodeMethods> {
  return {
    'node.status': async () => deps.status.status(),
    'node.info': async () => deps.info,
    'node.logs': async ({ limit }) => readLogTail(join(deps.dataDir, 'logs'), limit),
  };
}

/** The last `limit` records of the newest log file (JSON lines written by pino-roll). */
function readLogTail(
  dir: string,
  limit: number,
): Array<{ timeMs: number; level: string; msg: string; component?: string }> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => ({ f, m: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.m - a.m);
  if (!files[0]) return [];
  const text = readFileSync(join(dir, files[0].f), 'utf8');
  const lines = text.split('\n').filter(Boolean).slice(-limit);
  const LEVELS: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'warn',
    50: 'error',
    60: 'fatal',
  };
  const out: Array<{ timeMs: number; level: string; msg: string; component?: string }> = [];
  for (const line of lines) {
    try {
      const r = JSON.parse(line) as { time?: number; level?: number; msg?: string; component?: string };
      out.push({
        timeMs: r.time ?? 0,
        level: LEVELS[r.level ?? 30] ?? 'info',
        msg: r.msg ?? '',
        ...(r.component ? { component: r.component } : {}),
      });
    } catch {
      // A half-written last line during rotation: skip it.
    }
  }
  return out;
}
