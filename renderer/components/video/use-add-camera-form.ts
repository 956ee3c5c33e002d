/** The add-camera form's state: address, name, user, password, and submitting them (`video.addCamera`). */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { call } from '../../api';

/** The add-camera fields (user defaults to "admin"), the busy flag, the card's one error, and `submit`. */
export function useAddCameraForm() {
  const qc = useQueryClient();
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call('video.addCamera', { address, name: name || undefined, username, password });
      setAddress('');
      setName('');
      setPassword('');
      void qc.invalidateQueries({ queryKey: ['video.cameras'] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  /** Takes a discovered camera's address and name into the form. */
  const takeDiscovered = (discoveredAddress: string, discoveredName: string): void => {
    setAddress(discoveredAddress);
    setName(discoveredName);
  };
  return {
    address,
    setAddress,
    name,
    setName,
    username,
    setUsername,
    password,
    setPassword,
    busy,
    error,
    setError,
    submit,
    takeDiscovered,
  };
}
