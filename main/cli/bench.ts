import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../platform/paths';

export const summary = 'run a benchmark and print JSON: bench <name> [options] (bench --list)';

/** `bin/hotpot bench NAME …` runs dist/bench/NAME.js (built from test/bench/NAME.ts), which prints one JSON object. */
export async function run(argv: string[]): Promise<number> {
  const dir = join(appRoot(), 'dist', 'bench');
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.js'))
        .map((f) => f.slice(0, -3))
        .sort()
    : [];
  const [name, ...rest] = argv;
  if (!name || name === '--list' || name === '--help') {
    process.stdout.write(
      `benchmarks: ${names.join(', ')}\nUsage: bin/hotpot bench <name> [--json] [options]\n`,
    );
    return name ? 0 : 2;
  }
  if (!names.includes(name)) {
    process.stderr.write(`hotpot: no benchmark "${name}" (known: ${names.join(', ')})\n`);
    return 2;
  }
  const child = spawn(
    process.execPath,
    ['--expose-gc', join(dir, `${name}.js`), ...rest.filter((a) => a !== '--json')],
    { stdio: 'inherit' },
  );
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}
