/** Password hashing (scrypt), temporary passwords, and the dummy hash that keeps unknown users as slow as known ones. */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export const MIN_PASSWORD_LENGTH = 10;

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const hash = await scrypt(password, Buffer.from(saltHex, 'hex'), 32);
  return safeEqual(hash.toString('hex'), hashHex);
}

let dummy: Promise<string> | undefined;

/**
 * Verifies against a hash of a random password nobody knows: an unknown user or a disabled account costs the
 * same scrypt as a wrong password of a known one, so usernames cannot be told apart by timing.
 */
export async function burnDummyVerification(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  await verifyPassword(password, await dummy);
}

/** A password to show once (20 characters of base64url: about 120 bits). */
export function temporaryPassword(): string {
  return randomBytes(15).toString('base64url');
}
