/** The Video page's add-camera card: discovery, then the camera's address and login. */
import { defineStrings, useT } from '../../i18n';
import { Card, ErrorBox, SecretField } from '../ui';
import { CameraDiscovery } from './camera-discovery';
import { useAddCameraForm } from './use-add-camera-form';

const S = defineStrings({
  en: {
    add: 'Add a camera',
    address: 'Address (IP, IP:port or device URL)',
    name: 'Name (optional)',
    user: 'User name',
    password: 'Password',
    addBtn: 'Add camera',
    adding: 'Connecting…',
  },
  ru: {
    add: 'Добавить камеру',
    address: 'Адрес (IP, IP:порт или URL устройства)',
    name: 'Название (необязательно)',
    user: 'Пользователь',
    password: 'Пароль',
    addBtn: 'Добавить',
    adding: 'Подключаемся…',
  },
});

/** Adds a camera by address (or one found by discovery) with its user name and password. */
export function AddCamera() {
  const t = useT(S);
  const f = useAddCameraForm();
  return (
    <Card title={t('add')} testId="add-camera">
      <CameraDiscovery onUse={f.takeDiscovered} setError={f.setError} />
      <form onSubmit={(e) => void f.submit(e)} style={{ marginTop: 10 }}>
        <label>
          {t('address')}{' '}
          <input
            value={f.address}
            onChange={(e) => f.setAddress(e.target.value)}
            required
            data-testid="camera-address"
          />
        </label>
        <label>
          {t('name')} <input value={f.name} onChange={(e) => f.setName(e.target.value)} />
        </label>
        <label>
          {t('user')}{' '}
          <input value={f.username} onChange={(e) => f.setUsername(e.target.value)} autoComplete="off" />
        </label>
        <SecretField
          label={t('password')}
          autoComplete="new-password"
          value={f.password}
          onChange={f.setPassword}
        />
        <button type="submit" className="primary" disabled={f.busy}>
          {f.busy ? t('adding') : t('addBtn')}
        </button>
      </form>
      {f.error ? <ErrorBox error={f.error} /> : null}
    </Card>
  );
}
