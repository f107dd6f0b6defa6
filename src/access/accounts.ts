/**
 * People's accounts, administered by admins: create (a temporary password shown once, to change at the first
 * login), disable (its sessions end at once), enable, reset the password. Also the two ways in on a new
 * installation: the bootstrap admin of BOOTSTRAP_ADMIN_USER / BOOTSTRAP_ADMIN_PASSWORD, and, with no BOOTSTRAP_*
 * variable at all, a generated admin password written to a file only the service's user can read.
 */
import path from 'node:path';
import type { AuditTrail } from '../audit/audit-trail';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { type AccessRepository, type AccountRole, type AccountRow } from './access';
import { hashPassword, temporaryPassword, verifyPassword } from './passwords';

/** A new console account (POST /api/admin/accounts, NewAccount in docs/openapi.yaml). */
export interface NewAccountCommand {
  /** 2 to 63 characters: lower-case letters, digits, dot, dash, underscore; starting with a letter or digit. */
  username: string;
  role: AccountRole;
}

export interface AccountView {
  username: string;
  role: AccountRole;
  state: 'active' | 'disabled';
  mustChangePassword: boolean;
  createdAt: string;
  disabledAt: string | null;
  passwordChangedAt: string | null;
  lastLoginAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function accountView(a: AccountRow): AccountView {
  return {
    username: a.username, role: a.role, state: a.disabledAt ? 'disabled' : 'active', mustChangePassword: a.mustChangePassword,
    createdAt: a.createdAt.toISOString(), disabledAt: iso(a.disabledAt), passwordChangedAt: iso(a.passwordChangedAt), lastLoginAt: iso(a.lastLoginAt),
  };
}

/** Where the first-run admin password goes, and how (the composition root passes the file system). */
export interface SecretFileWriter {
  /** Writes the text readable by the owner only (mode 0600). */
  writePrivate(file: string, text: string): void;
}

export const FIRST_RUN_FILE = 'initial-admin-password.txt';
export const FIRST_RUN_USER = 'admin';

export class AccountService {
  constructor(private readonly repo: AccessRepository, private readonly clock: Clock, private readonly audit: AuditTrail) {}

  async list(): Promise<AccountView[]> {
    return (await this.repo.listAccounts()).map(accountView);
  }

  private async get(username: string): Promise<AccountRow> {
    const a = await this.repo.operator(username);
    if (!a) throw new AppError('ACC_ACCOUNT_NOT_FOUND', `No account ${username}.`);
    return a;
  }

  /** `cmd` is checked against NewAccount of docs/openapi.yaml (username form, role) before it gets here. */
  async create(cmd: NewAccountCommand, by: string): Promise<{ account: AccountView; temporaryPassword: string }> {
    const { username, role } = cmd;
    const password = temporaryPassword();
    const created = await this.repo.insertAccount({
      username, role, passwordHash: await hashPassword(password), createdAt: this.clock.now(), mustChangePassword: true, bootstrapSecretHash: null,
    });
    if (!created) throw new AppError('ACC_ACCOUNT_EXISTS', `An account ${username} exists already.`, [{ path: '/username', message: 'is taken' }]);
    await this.audit.record({ actor: by, action: 'account.create', subjectType: 'account', subjectId: username, after: { role, state: 'active' } });
    return { account: accountView(await this.get(username)), temporaryPassword: password };
  }

  async disable(username: string, by: string): Promise<AccountView> {
    const a = await this.get(username);
    if (!a.disabledAt) {
      if (a.role === 'admin' && (await this.repo.countEnabledAdmins()) <= 1) {
        throw new AppError('ACC_LAST_ADMIN', `${username} is the last active admin; enable or create another admin first.`);
      }
      await this.repo.updateAccount(username, { disabledAt: this.clock.now() });
      await this.repo.deleteSessionsOf(username);
      await this.audit.record({ actor: by, action: 'account.disable', subjectType: 'account', subjectId: username, before: { state: 'active' }, after: { state: 'disabled' } });
    }
    return accountView(await this.get(username));
  }

  async enable(username: string, by: string): Promise<AccountView> {
    const a = await this.get(username);
    if (a.disabledAt) {
      await this.repo.updateAccount(username, { disabledAt: null });
      await this.audit.record({ actor: by, action: 'account.enable', subjectType: 'account', subjectId: username, before: { state: 'disabled' }, after: { state: 'active' } });
    }
    return accountView(await this.get(username));
  }

  async resetPassword(username: string, by: string): Promise<{ account: AccountView; temporaryPassword: string }> {
    await this.get(username);
    const password = temporaryPassword();
    await this.repo.updateAccount(username, { passwordHash: await hashPassword(password), mustChangePassword: true, passwordChangedAt: this.clock.now() });
    await this.repo.deleteSessionsOf(username);
    await this.audit.record({ actor: by, action: 'account.reset', subjectType: 'account', subjectId: username, after: { mustChangePassword: true } });
    return { account: accountView(await this.get(username)), temporaryPassword: password };
  }

  /**
   * The bootstrap admin: created when absent; when BOOTSTRAP_ADMIN_PASSWORD differs from the one last applied
   * (its fingerprint is kept), it becomes the password again, the account is enabled and its sessions end.
   * An unchanged variable leaves what was done in the console alone.
   */
  async ensureBootstrapAdmin(username: string, password: string): Promise<'created' | 'updated' | 'unchanged'> {
    const existing = await this.repo.operator(username);
    const fingerprint = await hashPassword(password);
    if (!existing) {
      await this.repo.insertAccount({ username, role: 'admin', passwordHash: fingerprint, createdAt: this.clock.now(), mustChangePassword: false, bootstrapSecretHash: fingerprint });
      await this.audit.record({ actor: 'bootstrap', action: 'account.create', subjectType: 'account', subjectId: username, after: { role: 'admin', state: 'active' } });
      return 'created';
    }
    if (existing.bootstrapSecretHash && (await verifyPassword(password, existing.bootstrapSecretHash))) return 'unchanged';
    await this.repo.updateAccount(username, {
      passwordHash: fingerprint, bootstrapSecretHash: fingerprint, role: 'admin', disabledAt: null, mustChangePassword: false, passwordChangedAt: this.clock.now(),
    });
    await this.repo.deleteSessionsOf(username);
    await this.audit.record({ actor: 'bootstrap', action: 'account.reset', subjectType: 'account', subjectId: username, after: { role: 'admin', state: 'active', from: 'BOOTSTRAP_ADMIN_PASSWORD' } });
    return 'updated';
  }

  /**
   * First run without any BOOTSTRAP_* variable and without an admin account: an `admin` account with a generated
   * password (to change at the first login), written to DATA_DIR/initial-admin-password.txt (mode 0600). Answers
   * the file, for the log line that says where it is (the password itself is never logged).
   */
  async firstRun(dataDir: string, files: SecretFileWriter): Promise<string | undefined> {
    if ((await this.repo.listAccounts()).some((a) => a.role === 'admin')) return undefined;
    const password = temporaryPassword();
    const file = path.join(dataDir, FIRST_RUN_FILE);
    const created = await this.repo.insertAccount({
      username: FIRST_RUN_USER, role: 'admin', passwordHash: await hashPassword(password), createdAt: this.clock.now(), mustChangePassword: true, bootstrapSecretHash: null,
    });
    if (!created) {
      // A non-admin account named "admin" exists: make it the first admin, with a new password.
      await this.repo.updateAccount(FIRST_RUN_USER, { role: 'admin', passwordHash: await hashPassword(password), mustChangePassword: true, disabledAt: null });
    }
    files.writePrivate(file, [
      'eessi-liaison: first administrator account (created because no BOOTSTRAP_* variable was set and no admin existed).',
      `username: ${FIRST_RUN_USER}`,
      `password: ${password}`,
      'Log in at / with these; you will be asked to choose a new password. Then delete this file.',
      '',
    ].join('\n'));
    await this.audit.record({ actor: 'system', action: 'account.create', subjectType: 'account', subjectId: FIRST_RUN_USER, after: { role: 'admin', state: 'active', from: 'first-run' } });
    return file;
  }
}
