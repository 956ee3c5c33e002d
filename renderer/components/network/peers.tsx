import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { call, q } from '../../api';
import { useT } from '../../i18n';
import { Card, ErrorBox } from '../ui';
import { NETWORK_STRINGS, short } from './strings';

/** Peers (id, address, how found, latency, score, height) and a form to add one by multiaddr. */
export function PeersCard() {
  const t = useT(NETWORK_STRINGS);
  const client = useQueryClient();
  const peers = useQuery({ ...q('network.peers', {}), refetchInterval: 5_000 });
  const [addr, setAddr] = useState('');
  const add = useMutation({
    mutationFn: (multiaddr: string) => call('network.addPeer', { multiaddr }),
    onSuccess: () => {
      setAddr('');
      void client.invalidateQueries({ queryKey: ['network.peers'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (addr.trim()) add.mutate(addr.trim());
  };
  const items = peers.data ?? [];
  return (
    <Card title={t('peers')} testId="peers">
      {peers.error ? <ErrorBox error={peers.error} /> : null}
      {items.length === 0 ? (
        <p className="muted">{t('noPeers')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('peerId')}</th>
              <th>{t('peerAddress')}</th>
              <th>{t('source')}</th>
              <th>{t('latency')}</th>
              <th>{t('peerScore')}</th>
              <th>{t('peerHeight')}</th>
              <th>{t('status')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id} data-testid="peer-row">
                <td>
                  <code title={p.id}>{short(p.id, 8)}</code>
                </td>
                <td>
                  <code>{p.address ?? '—'}</code>
                </td>
                <td>{t(`src_${p.source}`)}</td>
                <td>{p.latencyMs === null ? '—' : `${Math.round(p.latencyMs)} ms`}</td>
                <td>{p.score.toFixed(1)}</td>
                <td>{p.height ?? '—'}</td>
                <td>
                  <span className={`pill ${p.bannedUntilMs ? 'err' : p.connected ? 'ok' : 'warn'}`}>
                    {p.bannedUntilMs ? t('banned') : p.connected ? t('connected') : t('disconnected')}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} className="page-actions" style={{ marginTop: 10 }}>
        <input
          value={addr}
          onChange={(e) => setAddr(e.target.value)}
          placeholder={t('addPeerHint')}
          aria-label={t('addPeer')}
          style={{ flex: 1, minWidth: 360 }}
          data-testid="add-peer-input"
        />
        <button type="submit" disabled={add.isPending || !addr.trim()} data-testid="add-peer">
          {add.isPending ? t('adding') : t('add')}
        </button>
      </form>
      {add.error ? <ErrorBox error={add.error} /> : null}
      {add.data ? <p className="muted">{t('added', { id: short(add.data.id, 8) })}</p> : null}
    </Card>
  );
}
