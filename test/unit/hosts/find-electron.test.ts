import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findElectron } from '../../../main/cli/start';

afterEach(() => vi.restoreAllMocks());

describe('findElectron', () => {
  it('looks on disk and never starts Electron’s download (require("electron") would fetch it from GitHub)', () => {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    const installed =
      existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()));
    const log = vi.spyOn(console, 'log');
    const found = findElectron();
    expect(log.mock.calls.flat().join(' ')).not.toMatch(/Downloading/);
    if (installed) {
      expect(found.path).toBe(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()));
    } else {
      console.warn('Electron’s binary is not installed here: checking the headless fallback');
      expect(found.path).toBeUndefined();
      expect(found.why).toMatch(
        /Electron's binary is not installed \(it downloads from outside the npm registry\)/,
      );
    }
  });
});
