/**
 * The French NIR (numéro d'inscription au répertoire): sex (1), birth year (2), birth month (2),
 * birth département (2, "2A"/"2B" for Corsica), commune (3), order (3), key (2).
 * key = 97 − (first 13 digits mod 97); for Corsica the département is read as 19 (2A) or 18 (2B).
 *
 * The remainder is computed digit by digit on small integers, so it never rests on floating-point precision
 * (a 13-digit number parsed as a double happens to be exact, but a longer, mis-normalised input would not be).
 */
import { AppError } from '../shared/errors';

const NIR_SHAPE = /^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}$/;

/** Spaces, dots and dashes removed, letters upper-cased: how PINs are compared and shown. */
export function normaliseNir(raw: string): string {
  return raw.replace(/[\s.\-_/]/g, '').toUpperCase();
}

/** True when the normalised text has the NIR shape (15 characters, digits, 2A/2B allowed at 6–7). */
export function hasNirShape(nir: string): boolean {
  return NIR_SHAPE.test(nir);
}

/** (number written by `digits`) mod 97, exactly. */
function mod97(digits: string): number {
  let rest = 0;
  for (let i = 0; i < digits.length; i += 1) rest = (rest * 10 + (digits.charCodeAt(i) - 48)) % 97;
  return rest;
}

/** The key (1–97) of the first 13 characters of a NIR, Corsica letters included; null when not a NIR body. */
export function nirKey(body13: string): number | null {
  if (!/^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}$/.test(body13)) return null;
  const digits = body13.slice(0, 5) + body13.slice(5, 7).replace('2A', '19').replace('2B', '18') + body13.slice(7);
  return 97 - mod97(digits);
}

/** Whether a (normalised) NIR has the right shape and a correct key. */
export function isNirValid(nir: string): boolean {
  if (!hasNirShape(nir)) return false;
  return nirKey(nir.slice(0, 13)) === Number(nir.slice(13, 15));
}

/**
 * Whether the NIR agrees with a birth date (YYYY-MM-DD): same last two digits of the year, and the same month
 * when the NIR's month is a real month (01–12; 20 and 30–42 or 99 are used for unknown months).
 * Null when it cannot be judged (no NIR shape or no usable birth date).
 */
export function nirMatchesBirthDate(nir: string, birthDate: string | null): boolean | null {
  if (!hasNirShape(nir) || birthDate === null || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return null;
  if (nir.slice(1, 3) !== birthDate.slice(2, 4)) return false;
  const month = Number(nir.slice(3, 5));
  if (month >= 1 && month <= 12 && nir.slice(3, 5) !== birthDate.slice(5, 7)) return false;
  return true;
}

/** A full NIR from its 13-character body (for fixtures and the synthetic generator). */
export function withNirKey(body13: string): string {
  const key = nirKey(body13);
  if (key === null) throw new AppError('INT_UNEXPECTED', 'not a NIR body (13 characters, 2A/2B allowed at positions 6–7)');
  return body13 + String(key).padStart(2, '0');
}
