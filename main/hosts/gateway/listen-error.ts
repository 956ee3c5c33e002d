import { HostError } from '../errors';

/** A listen failure as the owner can act on it: which port or address, and what to do instead. */
export function listenError(err: NodeJS.ErrnoException, host: string, port: number): HostError {
  const where = `${host}:${port}`;
  if (err.code === 'EADDRINUSE')
    return new HostError(
      'PORT_IN_USE',
      `port ${port} on ${host} is already in use: stop the other program or choose another with --http HOST:PORT`,
      { host, port },
    );
  if (err.code === 'EADDRNOTAVAIL')
    return new HostError(
      'ADDRESS_UNAVAILABLE',
      `address ${host} is not on this machine: choose one of its addresses with --http HOST:PORT`,
      { host, port },
    );
  if (err.code === 'EACCES')
    return new HostError(
      'PERMISSION_DENIED',
      `not allowed to listen on ${where} (ports below 1024 need privileges): choose a port above 1024`,
      { host, port },
    );
  return new HostError('LISTEN_FAILED', `cannot listen on ${where}: ${err.message}`, {
    host,
    port,
    errno: err.code,
  });
}
