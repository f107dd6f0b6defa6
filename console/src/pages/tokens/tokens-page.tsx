/**
 * Machine tokens (admins): the RINA adapter (intake), each French institution (institution + its id), other
 * countries' desks (helpdesk). A new token is shown once; a revoked one is refused from then on.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { TokenCountry } from './token-country';
import { Badge } from '../../components/badge';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';

type Token = Schemas['TokenInfo'];
type MachineRole = Token['role'];
const ROLES: MachineRole[] = ['intake', 'institution', 'helpdesk'];

/** Issuing a token: its role, the institution for an institution's token, a label; the token itself is said once by the page. */
function IssueToken({ onIssued }: { onIssued: (token: string) => void }) {
  const { t } = useI18n();
  const [role, setRole] = useState<MachineRole>('institution');
  const [institutionId, setInstitutionId] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const issue = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await ok(api.POST('/api/admin/tokens', { body: { role, ...(role === 'institution' ? { institutionId: institutionId.trim() } : {}), ...(label.trim() ? { label: label.trim() } : {}) } }));
      onIssued(r.token);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
    <form class="panel create-account" onSubmit={issue} aria-labelledby="issue-title">
      <header class="panel-header"><h2 id="issue-title">{t('tokens.issue')}</h2></header>
      <div class="panel-body filters filters-flat">
        <div class="filter">
          <label for="tok-role">{t('tokens.role')}</label>
          <select id="tok-role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as MachineRole)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`tokens.role.${r}`)}</option>)}
          </select>
        </div>
        {role === 'institution' && (
          <div class="filter">
            <label for="tok-inst">{t('tokens.institutionId')}</label>
            <input id="tok-inst" value={institutionId} placeholder="FR:CARSATRA1" required onInput={(e) => setInstitutionId((e.currentTarget as HTMLInputElement).value)} />
          </div>
        )}
        <div class="filter">
          <label for="tok-label">{t('tokens.label')}</label>
          <input id="tok-label" value={label} size={28} onInput={(e) => setLabel((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="filter filter-actions"><button type="submit" class="btn btn-primary">{t('tokens.issue')}</button></div>
      </div>
    </form>
      {error !== undefined && <ErrorNotice error={error} />}
    </>
  );
}

function TokensTable({ tokens, onRevoke }: { tokens: Token[]; onRevoke: (tok: Token) => void }) {
  const { t, dateTime } = useI18n();
  return (
    <table class="table">
      <caption class="visually-hidden">{t('tokens.title')}</caption>
      <thead><tr>
        <th scope="col">{t('tokens.col.id')}</th><th scope="col">{t('tokens.col.role')}</th><th scope="col">{t('tokens.col.label')}</th>
        <th scope="col">{t('tokens.col.state')}</th><th scope="col">{t('tokens.col.created')}</th><th scope="col">{t('accounts.col.actions')}</th>
      </tr></thead>
      <tbody>
        {tokens.map((tok) => (
          <tr key={tok.id}>
            <th scope="row"><code>{tok.id}</code></th>
            <td>{t(`tokens.role.${tok.role}`)}{tok.institutionId && <> <code>{tok.institutionId}</code></>}<TokenCountry country={tok.country} /></td>
            <td>{tok.label ?? <span class="muted">—</span>}</td>
            <td><Badge tone={tok.state === 'active' ? 'ok' : 'muted'}>{t(`tokens.state.${tok.state}`)}</Badge>{tok.revokedAt && <span class="muted"> {dateTime(tok.revokedAt)}</span>}{!tok.revokedAt && tok.expiresAt && <span class="muted"> {t('tokens.expires')} {dateTime(tok.expiresAt)}</span>}</td>
            <td class="nowrap">{dateTime(tok.createdAt)}{tok.createdBy && <span class="muted"> · {tok.createdBy}</span>}</td>
            <td>{tok.state === 'active' && <button type="button" class="btn btn-small btn-danger" aria-label={`${t('tokens.revoke')} ${tok.id}`} onClick={() => onRevoke(tok)}>{t('tokens.revoke')}</button>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TokensPage() {
  const { t } = useI18n();
  useTitle(`${t('tokens.title')} · ${t('app.name')}`);
  const tokens = useResource(() => ok(api.GET('/api/admin/tokens', { params: { query: { limit: 500 } } })), []);
  const [issued, setIssued] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const revoke = async (tok: Token) => {
    setError(undefined);
    setIssued(null);
    if (!window.confirm(t('tokens.confirmRevoke', { id: tok.id }))) return;
    try {
      await ok(api.POST('/api/admin/tokens/{id}/revoke', { params: { path: { id: tok.id } } }));
      setMessage(t('tokens.revoked', { id: tok.id }));
      tokens.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeader title={t('tokens.title')} subtitle={t('tokens.subtitle')} />
      <IssueToken onIssued={(token) => { setMessage(null); setIssued(token); tokens.reload(); }} />
      {issued && <div class="notice notice-success" role="status">{t('tokens.issued')} <code class="secret">{issued}</code></div>}
      {message && <div class="notice notice-success" role="status">{message}</div>}
      {error !== undefined && <ErrorNotice error={error} />}
      {tokens.error !== undefined && <ErrorNotice error={tokens.error} onRetry={tokens.reload} />}
      {!tokens.data && tokens.loading && <Loading />}
      {tokens.data && <TokensTable tokens={tokens.data.items} onRevoke={(tok) => void revoke(tok)} />}
    </>
  );
}
