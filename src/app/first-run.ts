/**
 * How people get in: the bootstrap admin when BOOTSTRAP_ADMIN_* is set; with no BOOTSTRAP_* variable at all and no
 * admin account, a generated admin password in a DATA_DIR file (the log says where, never what).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AccountService, SecretFileWriter } from '../access/accounts';
import type { AppConfig } from '../config/env';
import type { Logger } from '../shared/logger';

const privateFiles: SecretFileWriter = {
  writePrivate(file, text) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600); // also when the file existed with wider rights
  },
};

export async function firstWayIn(config: Readonly<AppConfig>, accounts: AccountService, logger: Logger): Promise<void> {
  if (config.bootstrapAdminUser && config.bootstrapAdminPassword) {
    const outcome = await accounts.ensureBootstrapAdmin(config.bootstrapAdminUser, config.bootstrapAdminPassword);
    if (outcome !== 'unchanged') logger.info('bootstrap admin account', { event: 'access.bootstrap-admin', outcome });
    return;
  }
  if (config.bootstrapToken) return;
  const file = await accounts.firstRun(config.dataDir, privateFiles);
  if (file) {
    logger.warn(`first run: log in as "admin" with the password in ${file} (readable by this user only), then choose a new one`, { event: 'access.first-run', file });
  }
}
