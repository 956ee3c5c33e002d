// bin/hotpot bench startup [--runs N]: time from process start to the first answer of
// GET /api/v1/status, and time to the dashboard's first paint in Chromium. Prints one JSON object.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, ownerPage } from '../helpers/browser';
import { cliPath, freePort, LOOPBACK_ONLY_ENV } from '../helpers/node-process';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: Math.round(at(0.5)), min: Math.round(s[0]!), max: Math.round(s.at(-1)!) };
}

async function timeToStatus(
  dataDir: string,
  port: number,
): Promise<{ ms: number; stop: () => Promise<void> }> {
  const t0 = performance.now();
  const proc = spawn(
    process.execPath,
    [cliPath(), 'start', '--headless', '--data-dir', dataDir, '--http', `127.0.0.1:${port}`],
    { env: { ...process.env, ...LOOPBACK_ONLY_ENV }, stdio: 'ignore' },
  );
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/status`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null) throw new Error(`node exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t0;
  return {
    ms,
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

const root = mkdtempSync(join(tmpdir(), 'hotpot-bench-startup-'));
const statusMs: number[] = [];
const firstStatusMs: number[] = [];
const paintMs: number[] = [];
const loadMs: number[] = [];
const browser = await launchChromium();
try {
  for (let i = 0; i < runs; i++) {
    const dataDir = join(root, `d${i}`);
    const port = await freePort();
    const fresh = await timeToStatus(dataDir, port); // empty data dir: creates databases, the dev chain
    firstStatusMs.push(fresh.ms);
    await fresh.stop();
    const again = await timeToStatus(dataDir, port); // existing data dir
    statusMs.push(again.ms);
    const page = await ownerPage(browser, `http://127.0.0.1:${port}/`);
    const t0 = performance.now();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('[data-testid="height"]');
    loadMs.push(performance.now() - t0);
    const fp = await page.evaluate(
      () =>
        (
          performance as unknown as {
            getEntriesByType(t: string): Array<{ name: string; startTime: number }>;
          }
        )
          .getEntriesByType('paint')
          .find((e) => e.name === 'first-contentful-paint')?.startTime ?? -1,
    );
    paintMs.push(fp);
    await page.close();
    await again.stop();
  }
} finally {
  await browser.close();
  rmSync(root, { recursive: true, force: true });
}
console.log(
  JSON.stringify({
    bench: 'startup',
    runs,
    status_ms: stats(statusMs),
    status_fresh_data_dir_ms: stats(firstStatusMs),
    first_contentful_paint_ms: stats(paintMs),
    dashboard_with_live_data_ms: stats(loadMs),
    targets: { status_ms: 1500, first_paint_ms: 1000 },
  }),
);
