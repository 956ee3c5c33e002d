/** Finding cameras on the local network (ONVIF discovery) and taking one's address into the add form. */
import { useState } from 'react';
import type { MethodOutput } from '../../../main/contract';
import { call } from '../../api';
import { defineStrings, useT } from '../../i18n';

const S = defineStrings({
  en: {
    discover: 'Find cameras',
    discovering: 'Searching the network…',
    nothingFound:
      'No ONVIF camera answered. Check that the cameras are on this network, or add one by address.',
    use: 'Use this address',
    added: 'added',
  },
  ru: {
    discover: 'Найти камеры',
    discovering: 'Ищем в сети…',
    nothingFound:
      'Ни одна камера ONVIF не ответила. Проверьте, что камеры в этой сети, или добавьте по адресу.',
    use: 'Взять этот адрес',
    added: 'добавлена',
  },
});

/**
 * "Find cameras" and what answered (`video.discover`): each camera not yet added offers "Use this
 * address". The add card shows the error, so a search clears it and reports its own through `setError`.
 */
export function CameraDiscovery(props: {
  onUse: (address: string, name: string) => void;
  setError: (error: unknown) => void;
}) {
  const t = useT(S);
  const [found, setFound] = useState<MethodOutput<'video.discover'> | null>(null);
  const [searching, setSearching] = useState(false);
  const discover = async (): Promise<void> => {
    setSearching(true);
    props.setError(null);
    try {
      setFound(await call('video.discover', {}));
    } catch (e) {
      props.setError(e);
    } finally {
      setSearching(false);
    }
  };
  return (
    <>
      <button onClick={() => void discover()} disabled={searching} data-testid="discover">
        {searching ? t('discovering') : t('discover')}
      </button>
      {found ? (
        found.length === 0 ? (
          <div className="muted">{t('nothingFound')}</div>
        ) : (
          <table className="table" data-testid="discovered">
            <tbody>
              {found.map((d) => (
                <tr key={d.urn}>
                  <td>{d.name || d.hardware || d.urn}</td>
                  <td className="muted">{d.xaddrs[0]}</td>
                  <td>
                    {d.added ? (
                      <span className="muted">{t('added')}</span>
                    ) : (
                      <button onClick={() => props.onUse(d.xaddrs[0] ?? '', d.name)}>{t('use')}</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </>
  );
}
