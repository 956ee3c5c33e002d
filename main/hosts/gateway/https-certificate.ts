/**
 * Which certificate the gateway serves HTTPS with: the owner's own (PEM files named in the config),
 * or the node's own, made at first start in `<dataDir>/tls/` (ECDSA P-256, self-signed) and made
 * again when it nears its end or no longer names the address served. Browsers and terminals on the
 * LAN trust it by its SHA-256 fingerprint, which Settings shows.
 */
import { X509Certificate, createPrivateKey, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { HttpsInfo } from '../../contract/node';
import { HostError } from '../errors';

/** A certificate and its key (PEM), and what Settings shows of it. */
export interface HttpsCertificate {
  cert: string;
  key: string;
  /** Made at this start (a new fingerprint: clients that trusted the old one must trust this one). */
  made: boolean;
  info: HttpsInfo;
}

/** Where the certificate comes from. */
export interface HttpsCertificateOptions {
  dataDir: string;
  /** The address the gateway binds (`0.0.0.0` or `::`: every address of this machine). */
  host: string;
  /** The owner's own certificate and key (PEM files). */
  own?: { certFile: string; keyFile: string };
}

/** How long the node's own certificate is valid. */
const VALID_DAYS = 397;
/** Made again at start when fewer days than this are left. */
const RENEW_DAYS = 30;
const DAY_MS = 86_400_000;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * The certificate to serve: the owner's when configured (a typed `TLS_INVALID` error, naming the
 * file and what to do, when it is unusable), else the node's own, made or remade as needed.
 *
 * @example const { cert, key, info } = await httpsCertificate({ dataDir, host: '0.0.0.0' });
 */
export async function httpsCertificate(
  opts: HttpsCertificateOptions,
  now: () => number = Date.now,
): Promise<HttpsCertificate> {
  if (opts.own) return ownersCertificate(opts.own, now());
  const dir = join(opts.dataDir, 'tls');
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  const names = namesFor(opts.host);
  if (existsSync(files.cert) && existsSync(files.key)) {
    const pem = { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
    const parsed = new X509Certificate(pem.cert);
    const held = describe(parsed, 'node');
    // Not yet valid (the clock went back) counts as stale too.
    const fresh = held.validToMs - now() > RENEW_DAYS * DAY_MS && parsed.validFromDate.getTime() <= now();
    if (fresh && names.every((n) => held.names.includes(n))) return { ...pem, made: false, info: held };
  }
  const made = await makeCertificate(names, now());
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Key first, each written whole then renamed: a crash leaves the old pair or a new key the next start replaces.
  for (const [file, text] of [
    [files.key, made.key],
    [files.cert, made.cert],
  ] as const) {
    writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
  return made;
}

/** The owner's certificate and key, checked: readable, parseable, a pair, not expired. */
function ownersCertificate(
  opts: NonNullable<HttpsCertificateOptions['own']>,
  nowMs: number,
): HttpsCertificate {
  const cert = readPem(opts.certFile, 'certificate');
  const key = readPem(opts.keyFile, 'private key');
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(cert);
  } catch {
    throw new HostError('TLS_INVALID', `${opts.certFile} is not a PEM certificate`, { file: opts.certFile });
  }
  let matches: boolean;
  try {
    matches = parsed.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new HostError('TLS_INVALID', `${opts.keyFile} is not a PEM private key`, { file: opts.keyFile });
  }
  if (!matches)
    throw new HostError('TLS_INVALID', `${opts.keyFile} is not the key of the certificate ${opts.certFile}`, {
      file: opts.keyFile,
    });
  const info = describe(parsed, 'owner');
  if (info.validToMs <= nowMs)
    throw new HostError(
      'TLS_INVALID',
      `the certificate ${opts.certFile} expired on ${new Date(info.validToMs).toISOString()}; renew it`,
      { file: opts.certFile },
    );
  return { cert, key, made: false, info };
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new HostError(
      'TLS_INVALID',
      `cannot read the HTTPS ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { file },
    );
  }
}

/** A new self-signed certificate for `names` (DNS names and IP addresses), valid from a minute ago. */
async function makeCertificate(names: string[], nowMs: number): Promise<HttpsCertificate> {
  // Loaded only to make a certificate (about 0.25 s of start-up otherwise, on every start and command).
  await import('reflect-metadata'); // @peculiar/x509 needs the Reflect metadata API (its own setup step)
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0]! &= 0x7f; // a positive serial number
  const made = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=Hot Pot Spot Node (${hostname()})`,
    notBefore: new Date(nowMs - 60_000),
    notAfter: new Date(nowMs + VALID_DAYS * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIP(value) ? 'ip' : 'dns', value })),
      ),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({
    format: 'pem',
    type: 'pkcs8',
  }) as string;
  const cert = made.toString('pem');
  return { cert, key, made: true, info: describe(new X509Certificate(cert), 'node') };
}

/** What Settings shows of a certificate. */
function describe(cert: X509Certificate, source: HttpsInfo['source']): HttpsInfo {
  const names = (cert.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((entry) => canonical(entry.replace(/^(DNS|IP Address):/, '')));
  return {
    source,
    fingerprintSha256: cert.fingerprint256,
    names,
    validToMs: cert.validToDate.getTime(),
  };
}

/** An IPv6 address in its short form (the certificate lists `0:0:0:0:0:0:0:1` for `::1`); other names as they are. */
function canonical(name: string): string {
  return isIP(name) === 6 ? new URL(`http://[${name}]/`).hostname.slice(1, -1) : name;
}

/** The names a certificate for `host` must hold: loopback always; every address of this machine for a wildcard bind. */
export function namesFor(host: string): string[] {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  if (host === '0.0.0.0' || host === '::') {
    names.add(hostname());
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) if (!a.internal) names.add(canonical(a.address.replace(/%.*$/, '')));
  } else names.add(canonical(host));
  return [...names];
}
