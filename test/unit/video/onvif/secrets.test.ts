import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_SECRET_FILE, SecretBox } from '../../../../main/video/secrets';

describe('SecretBox (camera credentials at rest)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotpot-secret-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips, uses a fresh nonce each time, detects tampering, and a new node secret cannot read it', async () => {
    const box = await SecretBox.open({ dataDir: dir });
    const a = box.seal('hunter2');
    const b = box.seal('hunter2');
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(box.unseal(a)).toBe('hunter2');
    expect(statSync(join(dir, NODE_SECRET_FILE)).mode & 0o777).toBe(0o600);
    const again = await SecretBox.open({ dataDir: dir });
    expect(again.unseal(a)).toBe('hunter2');
    const raw = Buffer.from(a.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.unseal('v2:' + raw.toString('base64'))).toThrow(/does not decrypt/);
    expect(() => box.unseal('v1:' + Buffer.from(a.slice(3), 'base64').toString('base64'))).toThrow(
      /unknown format .*older build.*re-enter/,
    );
    const other = mkdtempSync(join(tmpdir(), 'hotpot-secret2-'));
    writeFileSync(join(other, NODE_SECRET_FILE), Buffer.alloc(48, 7));
    const stranger = await SecretBox.open({ dataDir: other });
    expect(() => stranger.unseal(a)).toThrow(expect.objectContaining({ code: 'SECRET_CORRUPT' }));
    writeFileSync(join(other, NODE_SECRET_FILE), Buffer.alloc(5));
    await expect(SecretBox.open({ dataDir: other })).rejects.toThrow(/expected 48/);
    rmSync(other, { recursive: true, force: true });
    expect(readFileSync(join(dir, NODE_SECRET_FILE)).length).toBe(48);
  });
});
