/**
 * The case's forwards carried out in RINA (CONTRACT §7): each X007 "Forward case" with its state, the CPI's answer
 * when it failed, its help-desk ticket, and for operators a retry of a failed one (once the cause is fixed in RINA).
 * Shown only for a case that came through RINA (a forward with an X007).
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { Badge, type Tone } from '../../components/badge';
import { ErrorNotice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { Link, href } from '../../router';
import { TICKET_PATH } from '../paths';
import { useSession } from '../../session';

type Forward = Schemas['CaseView']['forwards'][number];
type X007State = Schemas['X007Status']['state'];

const TONE: Record<X007State, Tone> = { pending: 'info', created: 'info', sent: 'ok', failed: 'danger', cancelled: 'muted' };

function RetryButton({ forwardId, onRetried }: { forwardId: string; onRetried: () => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const retry = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await ok(api.POST('/api/forwards/{forwardId}/x007/retry', { params: { path: { forwardId } } }));
      onRetried();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="btn btn-small" disabled={busy} onClick={() => void retry()} data-x007-retry={forwardId}>{t('case.x007.retry')}</button>
      {error !== undefined && <ErrorNotice error={error} />}
    </>
  );
}

export function CaseX007({ forwards, onRetried }: { forwards: Forward[]; onRetried: () => void }) {
  const { t, dateTime } = useI18n();
  const { has } = useSession();
  const carried = forwards.filter((f) => f.x007);
  if (!carried.length) return null;
  return (
    <section class="panel" aria-labelledby="x007-title">
      <header class="panel-header"><h2 id="x007-title">{t('case.x007')}</h2></header>
      <table class="table table-flat">
        <thead><tr>
          <th scope="col">{t('case.fwd.institution')}</th><th scope="col">{t('case.x007.state')}</th>
          <th scope="col">{t('case.x007.document')}</th><th scope="col">{t('case.x007.updated')}</th>
        </tr></thead>
        <tbody>
          {carried.map((f) => {
            const x = f.x007!;
            return (
              <tr key={f.forwardId} data-x007={f.forwardId} data-x007-state={x.state}>
                <td><code>{f.institutionId}</code></td>
                <td>
                  <Badge tone={TONE[x.state]}>{t(`case.x007.state.${x.state}`)}</Badge>
                  {x.error && x.state !== 'sent' && <div class="muted">{t('case.x007.answer', { answer: x.error })}</div>}
                  {x.ticketId && <div><Link to={href(TICKET_PATH, { id: x.ticketId })}>{t('case.x007.ticket', { ticketId: x.ticketId })}</Link></div>}
                  {x.state === 'failed' && has('operator') && <RetryButton forwardId={f.forwardId} onRetried={onRetried} />}
                </td>
                <td>{x.documentId ? <code>{x.documentId}</code> : '—'}</td>
                <td class="nowrap">{dateTime(x.sentAt ?? x.updatedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
