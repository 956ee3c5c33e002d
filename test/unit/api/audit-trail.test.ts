import { describe, expect, it } from 'vitest';
import { auditedCall } from '../../../main/api/audit-trail';

describe('auditedCall', () => {
  it('records an imported file by its size and name only (a sales CSV holds loyalty card numbers)', () => {
    const csv = 'order_id,loyalty_card\nA-1,4000-1234-5678-9010\n';
    const rec = auditedCall(
      'sales.importCommit',
      { csv, name: 'march.csv', skipBadOrders: false },
      { via: 'test', principal: { kind: 'key', keyId: 'k1', name: 'till', scopes: ['pos:write'] } },
      { ok: true },
    );
    expect(rec).toMatchObject({ actor: 'key:till', action: 'sales.importCommit', resource: 'march.csv' });
    expect(rec.details['input']).toEqual({
      csv: `[${csv.length} characters]`,
      name: 'march.csv',
      skipBadOrders: false,
    });
    expect(JSON.stringify(rec)).not.toContain('4000');
  });

  it('records a stream key as secret and an ingest URL by its server only (its last segment is the key)', () => {
    const key = { via: 'test', principal: { kind: 'key', keyId: 'k1', name: 'ops', scopes: [] } } as const;
    const saved = auditedCall(
      'video.saveStreamTarget',
      { name: 'Twitch', preset: 'twitch', streamKey: 'live_1_abc' },
      key,
      {
        ok: true,
      },
    );
    expect(saved.details['input']).toEqual({ name: 'Twitch', preset: 'twitch', streamKey: '[secret]' });
    const started = auditedCall(
      'video.startStream',
      { cameraId: 'door', url: 'rtmp://user:pw@live.twitch.tv/app/live_1_abc' },
      key,
      { ok: true },
    );
    expect(started.details['input']).toEqual({ cameraId: 'door', url: 'rtmp://live.twitch.tv/…' });
    expect(JSON.stringify([saved, started])).not.toMatch(/live_1_abc|pw@/);
  });
});
