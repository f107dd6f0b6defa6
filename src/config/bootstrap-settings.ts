/**
 * The BOOTSTRAP_* keys (the first machine token and the bootstrap admin), read through env.ts's reader: a weak
 * value stops the start naming the key and why, never the value.
 */
import { passwordRefusal, passwordRefusalSentence } from '../access/password-policy';

/** What this needs of env.ts's reader. */
interface BootstrapReader {
  readonly errors: string[];
  raw(key: string): string | undefined;
}

export interface BootstrapSettings {
  bootstrapToken?: string;
  bootstrapAdminUser?: string;
  bootstrapAdminPassword?: string;
}

export function bootstrapSettings(read: BootstrapReader): BootstrapSettings {
  const bootstrapToken = read.raw('BOOTSTRAP_TOKEN');
  if (bootstrapToken !== undefined && bootstrapToken.length < 16) read.errors.push('BOOTSTRAP_TOKEN must be at least 16 characters');
  const bootstrapAdminUser = read.raw('BOOTSTRAP_ADMIN_USER');
  const bootstrapAdminPassword = read.raw('BOOTSTRAP_ADMIN_PASSWORD');
  if ((bootstrapAdminUser === undefined) !== (bootstrapAdminPassword === undefined)) read.errors.push('BOOTSTRAP_ADMIN_USER and BOOTSTRAP_ADMIN_PASSWORD go together');
  // The same policy as a password chosen in the console (#21): the bootstrap admin is the most powerful account.
  const refusal = bootstrapAdminPassword === undefined ? undefined : passwordRefusal(bootstrapAdminPassword, bootstrapAdminUser ?? '');
  if (refusal !== undefined) read.errors.push(`BOOTSTRAP_ADMIN_PASSWORD is refused by the password policy (${refusal}): ${passwordRefusalSentence(refusal)}`);
  return { bootstrapToken, bootstrapAdminUser, bootstrapAdminPassword };
}
