/**
 * Accounts (admins): create one with a role (the service answers a temporary password, shown once), disable or
 * enable it, reset its password. Every change is in the audit trail.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { Badge } from '../../components/badge';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session';

type Account = Schemas['Account'];
type Role = Schemas['AccountRole'];
const ROLES: Role[] = ['operator', 'supervisor', 'agent', 'admin'];

interface Outcome { text: string; password?: string }

function CreateAccount({ onDone }: { onDone: (o: Outcome) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const a = await ok(api.POST('/api/admin/accounts', { body: { username: username.trim(), role } }));
      setUsername('');
      onDone({ text: t('accounts.created', { username: a.username }), password: a.temporaryPassword });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel create-account" onSubmit={submit} aria-labelledby="create-title">
      <header class="panel-header"><h2 id="create-title">{t('accounts.create')}</h2></header>
      <div class="panel-body filters filters-flat">
        <div class="filter">
          <label for="acc-username">{t('accounts.username')}</label>
          <input id="acc-username" value={username} required autocomplete="off" aria-describedby="acc-username-hint"
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} />
          <span class="hint" id="acc-username-hint">{t('accounts.usernameHint')}</span>
        </div>
        <div class="filter">
          <label for="acc-role">{t('accounts.role')}</label>
          <select id="acc-role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`user.role.${r}`)}</option>)}
          </select>
        </div>
        <div class="filter filter-actions"><button type="submit" class="btn btn-primary" disabled={busy || !username.trim()}>{t('accounts.create')}</button></div>
      </div>
      {error !== undefined && <div class="panel-body"><ErrorNotice error={error} /></div>}
    </form>
  );
}

type AccountAction = 'disable' | 'enable' | 'reset-password';

function AccountsTable({ accounts, me, onAct }: { accounts: Account[]; me: string | undefined; onAct: (a: Account, action: AccountAction) => void }) {
  const { t, dateTime } = useI18n();
  return (
    <table class="table">
      <caption class="visually-hidden">{t('accounts.title')}</caption>
      <thead><tr>
        <th scope="col">{t('accounts.col.username')}</th><th scope="col">{t('accounts.col.role')}</th><th scope="col">{t('accounts.col.state')}</th>
        <th scope="col">{t('accounts.col.created')}</th><th scope="col">{t('accounts.col.lastLogin')}</th><th scope="col">{t('accounts.col.actions')}</th>
      </tr></thead>
      <tbody>
        {accounts.map((a) => (
          <tr key={a.username}>
            <th scope="row" class="account-name">{a.username}</th>
            <td>{t(`user.role.${a.role}`)}</td>
            <td>
              <Badge tone={a.state === 'active' ? 'ok' : 'muted'}>{t(`accounts.state.${a.state}`)}</Badge>
              {a.mustChangePassword && <> <Badge tone="warn">{t('accounts.mustChange')}</Badge></>}
            </td>
            <td class="nowrap">{dateTime(a.createdAt)}</td>
            <td class="nowrap">{dateTime(a.lastLoginAt)}</td>
            <td class="row-actions">
              {a.username !== me && (a.state === 'active'
                ? <button type="button" class="btn btn-small btn-danger" onClick={() => onAct(a, 'disable')} aria-label={`${t('accounts.disable')} ${a.username}`}>{t('accounts.disable')}</button>
                : <button type="button" class="btn btn-small" onClick={() => onAct(a, 'enable')} aria-label={`${t('accounts.enable')} ${a.username}`}>{t('accounts.enable')}</button>)}
              <button type="button" class="btn btn-small" onClick={() => onAct(a, 'reset-password')} aria-label={`${t('accounts.reset')} ${a.username}`}>{t('accounts.reset')}</button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AccountsPage() {
  const { t } = useI18n();
  const { session } = useSession();
  useTitle(`${t('accounts.title')} · ${t('app.name')}`);
  const accounts = useResource(() => ok(api.GET('/api/admin/accounts')), []);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const act = async (a: Account, action: AccountAction) => {
    setError(undefined);
    setOutcome(null);
    try {
      const path = { params: { path: { username: a.username } } };
      if (action === 'disable') {
        if (!window.confirm(t('accounts.confirmDisable', { username: a.username }))) return;
        await ok(api.POST('/api/admin/accounts/{username}/disable', path));
        setOutcome({ text: t('accounts.disabled', { username: a.username }) });
      } else if (action === 'enable') {
        await ok(api.POST('/api/admin/accounts/{username}/enable', path));
        setOutcome({ text: t('accounts.enabled', { username: a.username }) });
      } else {
        if (!window.confirm(t('accounts.confirmReset', { username: a.username }))) return;
        const r = await ok(api.POST('/api/admin/accounts/{username}/reset-password', path));
        setOutcome({ text: t('accounts.resetDone', { username: a.username }), password: r.temporaryPassword });
      }
      accounts.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeader title={t('accounts.title')} subtitle={t('accounts.subtitle')} />
      <CreateAccount onDone={(o) => { setOutcome(o); accounts.reload(); }} />
      {outcome && (
        <div class="notice notice-success" role="status">
          {outcome.text}{outcome.password && <> <code class="secret">{outcome.password}</code></>}
        </div>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
      {accounts.error !== undefined && <ErrorNotice error={accounts.error} onRetry={accounts.reload} />}
      {!accounts.data && accounts.loading && <Loading />}
      {accounts.data && (
        <AccountsTable accounts={accounts.data.items} me={session?.username} onAct={(a, action) => void act(a, action)} />
      )}
    </>
  );
}
