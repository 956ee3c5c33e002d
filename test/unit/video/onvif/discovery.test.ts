import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProbeMatch, probeXml } from '../../../../main/video/onvif/discovery';
import { bundleEntry, REPO_ROOT, runInNetns } from '../../../helpers/onvif-sim/bundle';

describe('WS-Discovery', () => {
  it('finds every simulated camera in a private network namespace, probing both types repeatedly', async () => {
    const script = await bundleEntry(
      join(REPO_ROOT, 'test/helpers/onvif-sim/discover-script.ts'),
      'discover-script.mjs',
    );
    const run = await runInNetns(script, ['1200']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      devices: Array<{ urn: string; name: string; xaddrs: string[]; hardware: string; location: string }>;
      sims: Array<{ urn: string; xaddr: string; stats: { probesByType: Record<string, number> } }>;
    };
    expect(out.devices).toHaveLength(2);
    for (const sim of out.sims) {
      const d = out.devices.find((x) => x.urn === sim.urn);
      expect(d?.xaddrs).toEqual([sim.xaddr]);
      expect(d?.hardware).toBe('HPS-SIM1');
      // 3 repeats × (NetworkVideoTransmitter + Device) from the one interface (lo) in the namespace.
      expect(sim.stats.probesByType).toEqual({ NetworkVideoTransmitter: 3, Device: 3 });
    }
    expect(out.devices.map((d) => d.name).sort()).toEqual(['Front Door', 'Kitchen']);
  });

  it('ignores answers that do not relate to one of our probes', async () => {
    const reply = (relatesTo: string): string =>
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header><a:RelatesTo>${relatesTo}</a:RelatesTo></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:1</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/name/Back_Room</d:Scopes><d:XAddrs>http://10.0.0.5/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>`;
    const ours = new Set(['urn:uuid:abc']);
    expect(await parseProbeMatch(reply('urn:uuid:other'), ours)).toBeUndefined();
    expect(await parseProbeMatch('not xml at all <', ours)).toBeUndefined();
    const ok = await parseProbeMatch(reply('urn:uuid:abc'), ours);
    expect(ok?.[0]).toMatchObject({
      urn: 'urn:uuid:1',
      name: 'Back Room',
      xaddrs: ['http://10.0.0.5/onvif/device_service'],
    });
    expect(
      probeXml('abc', { prefix: 'tds', ns: 'http://www.onvif.org/ver10/device/wsdl', name: 'Device' }),
    ).toContain('tds:Device</d:Types>');
  });
});
