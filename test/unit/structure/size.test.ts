/**
 * The size check (ESLint's max-lines and max-lines-per-function in eslint.config.js): shipped code
 * fails past 600 lines a file or 80 lines a function, except the few files its list names.
 */
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../../../main/platform/paths';

const ROOT = appRoot();
const eslint = new ESLint({ cwd: ROOT });

/** The size rules that fire when `text` stands at `path` (the file need not exist). */
async function sizeRulesFor(path: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? '').filter((r) => r.startsWith('max-lines'));
}

const lines = (n: number, make: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => make(i)).join('\n');
const functionOf = (bodyLines: number) =>
  `export function planted(): number {\n  let x = 0;\n${lines(bodyLines - 4, (i) => `  x += ${i};`)}\n  return x;\n}\n`;

describe('the size check', () => {
  it('refuses a file over 600 lines in every folder of shipped code', async () => {
    const file = `${lines(601, (i) => `export const c${i} = ${i};`)}\n`;
    for (const path of [
      'main/chain/planted.ts',
      'native/planted.ts',
      'preload/planted.ts',
      'renderer/planted.tsx',
    ])
      expect(await sizeRulesFor(path, file), path).toEqual(['max-lines']);
    expect(
      await sizeRulesFor('main/chain/planted.ts', `${lines(600, (i) => `export const c${i} = ${i};`)}\n`),
    ).toEqual([]);
  });

  it('refuses a function over 80 lines, and lets one of 80 pass', async () => {
    expect(await sizeRulesFor('main/node/planted.ts', functionOf(81))).toEqual(['max-lines-per-function']);
    expect(await sizeRulesFor('main/node/planted.ts', functionOf(80))).toEqual([]);
  });

  it('leaves tests alone', async () => {
    expect(await sizeRulesFor('test/unit/planted.test.ts', functionOf(200))).toEqual([]);
  });
});
