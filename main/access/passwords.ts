import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes: scrypt from Node's own OpenSSL (N = 2^15, r = 8, p = 1: 32 MiB and about 50–100 ms
 * a hash on this hardware), run on libuv's thread pool so the event loop never waits. Chosen over
 * argon2id because it needs no native package beside Node, is memory-hard, and is what the wallet's
 * keystore already uses. Stored as `scrypt$N$r$p$salt$hash` (base64), so the cost can rise later.
 */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const MAX_MEM = 64 * 1024 * 1024;

/** The shortest password a person may choose. */
export const MIN_PASSWORD_LENGTH = 10;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { N: n, r, p, maxmem: MAX_MEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** A new hash of `password` with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Does `password` match `stored`? Takes the same time whether it does or not. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const want = Buffer.from(key, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return got.length === want.length && timingSafeEqual(got, want);
}

let decoy: Promise<string> | undefined;
/**
 * A hash no password matches, for names that have no user: checking against it costs what a real
 * check costs, so a wrong name and a wrong password take the same time.
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('base64'));
  return decoy;
}
