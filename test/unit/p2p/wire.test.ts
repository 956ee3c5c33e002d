import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHAIN_ID_RE,
  decodeJson,
  encodeJson,
  MAX_STATUS_BYTES,
  mdnsServiceTag,
  protocolIds,
  StatusMessage,
  SyncRequest,
  SyncResponseHeader,
  topicFromName,
  topicName,
} from '../../../main/p2p/wire';

describe('wire', () => {
  it('scopes protocol ids, topics and the mDNS service by chain id', () => {
    expect(protocolIds('hotpot-main')).toEqual({
      status: '/hotpot/hotpot-main/status/1',
      sync: '/hotpot/hotpot-main/sync/1',
      snapshot: '/hotpot/hotpot-main/snapshot/1',
    });
    expect(topicName('hotpot-main', 'vote')).toBe('hotpot/hotpot-main/vote/1');
    expect(topicFromName('hotpot-main', 'hotpot/hotpot-main/tx/1')).toBe('tx');
    expect(topicFromName('hotpot-main', 'hotpot/hotpot-other/tx/1')).toBeUndefined();
    expect(topicFromName('hotpot-main', 'hotpot/hotpot-main/blocks/1')).toBeUndefined();
    expect(mdnsServiceTag('hotpot-main')).toBe('_hotpot-hotpot-main._udp.local');
    // the longest chain id still makes a valid DNS label (≤ 63 bytes), distinct per chain
    const long1 = mdnsServiceTag('a'.repeat(63));
    const long2 = mdnsServiceTag(`${'a'.repeat(62)}b`);
    expect(long1.split('.')[0]!.length).toBeLessThanOrEqual(63);
    expect(long1).not.toBe(long2);
    expect(mdnsServiceTag('a'.repeat(55))).toBe(`_hotpot-${'a'.repeat(55)}._udp.local`);
    expect(CHAIN_ID_RE.test('a'.repeat(63))).toBe(true);
    expect(CHAIN_ID_RE.test('a'.repeat(64))).toBe(false);
    expect(CHAIN_ID_RE.test('-a')).toBe(false);
    expect(CHAIN_ID_RE.test('Hotpot')).toBe(false);
    expect(CHAIN_ID_RE.test('hotpot/x')).toBe(false);
  });

  it('round-trips the JSON messages', () => {
    const s = { v: 1 as const, chainId: 'hotpot-main', height: 42, headHash: `0x${'ab'.repeat(32)}` };
    expect(decodeJson(encodeJson(s), StatusMessage, MAX_STATUS_BYTES)).toEqual({ ok: true, value: s });
    const r = { v: 1 as const, fromHeight: 0, count: 512 };
    expect(decodeJson(encodeJson(r), SyncRequest, 256)).toEqual({ ok: true, value: r });
    const h = { v: 1 as const, ok: false as const, code: 'BUSY' as const, message: 'wait' };
    expect(decodeJson(encodeJson(h), SyncResponseHeader, 512)).toEqual({ ok: true, value: h });
  });

  it('says what is wrong with bad input', () => {
    const enc = new TextEncoder();
    expect(decodeJson(new Uint8Array(600), StatusMessage, MAX_STATUS_BYTES)).toEqual({
      ok: false,
      error: 'message is 600 bytes, the limit is 512',
    });
    expect(decodeJson(new Uint8Array([0xff, 0xfe]), StatusMessage, 512)).toEqual({
      ok: false,
      error: 'message is not UTF-8 JSON',
    });
    const bad = decodeJson(
      enc.encode('{"v":1,"chainId":"x","height":-1,"headHash":"0x00"}'),
      StatusMessage,
      512,
    );
    expect(bad.ok).toBe(false);
    const extra = decodeJson(enc.encode('{"v":1,"fromHeight":0,"count":1,"evil":true}'), SyncRequest, 256);
    expect(extra.ok).toBe(false);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(typeof decodeJson(bytes, StatusMessage, 512).ok).toBe('boolean');
        expect(typeof decodeJson(bytes, SyncRequest, 512).ok).toBe('boolean');
        expect(typeof decodeJson(bytes, SyncResponseHeader, 512).ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = decodeJson(new TextEncoder().encode(JSON.stringify(v)), StatusMessage, 512);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
