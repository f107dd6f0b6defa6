/** The envelopes of the case, its forwards and its history, in the order they happened. */
import type { Schemas } from '../../api/client';
import { actorName } from '../../codes';
import { Badge, type Tone } from '../../components/badge';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type View = Schemas['CaseView'];

const EVENT_KINDS = ['routed', 'triaged', 'forwarded', 'published', 'assigned', 'accepted', 'bounced', 'returned', 'note', 'reassigned', 'reopened', 'superseded', 'received', 'undone', 'x007-sent', 'x007-failed'];

const FWD_TONE: Record<View['forwards'][number]['status'], Tone> = { pending: 'info', accepted: 'ok', rejected: 'danger', superseded: 'muted', cancelled: 'muted' };

export function CaseEnvelopes({ envelopes }: { envelopes: View['envelopes'] }) {
  const { t, dateTime } = useI18n();
  return (
    <section class="panel" aria-labelledby="envelopes-title">
      <header class="panel-header"><h2 id="envelopes-title">{t('case.envelopes')}</h2><span class="muted">{envelopes.length}</span></header>
      <table class="table table-flat">
        <thead><tr>
          <th scope="col">{t('case.env.sed')}</th><th scope="col">{t('case.env.id')}</th><th scope="col">{t('case.env.legal')}</th>
          <th scope="col">{t('case.env.state')}</th><th scope="col">{t('case.env.via')}</th>
        </tr></thead>
        <tbody>
          {envelopes.map((e) => (
            <tr key={e.envelopeId}>
              <td><strong>{e.sedType}</strong></td>
              <td><code class="wrap">{e.envelopeId}</code></td>
              <td class="nowrap">{dateTime(e.legalDeliveryAt)}</td>
              <td>{t(`case.env.state.${e.state}` as MessageKey)}</td>
              <td>{e.via.toUpperCase()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function CaseForwards({ forwards }: { forwards: View['forwards'] }) {
  const { t, dateTime } = useI18n();
  if (!forwards.length) return null;
  return (
    <section class="panel" aria-labelledby="forwards-title">
      <header class="panel-header"><h2 id="forwards-title">{t('case.forwards')}</h2></header>
      <table class="table table-flat">
        <thead><tr>
          <th scope="col">{t('case.fwd.institution')}</th><th scope="col">{t('case.fwd.status')}</th>
          <th scope="col">{t('case.fwd.created')}</th><th scope="col">{t('case.fwd.ack')}</th>
        </tr></thead>
        <tbody>
          {forwards.map((f) => (
            <tr key={f.forwardId} class={f.status === 'superseded' ? 'superseded' : undefined}>
              <td><code>{f.institutionId}</code></td>
              <td><Badge tone={FWD_TONE[f.status]}>{t(`case.fwd.status.${f.status}`)}</Badge>{f.reason && <span class="muted"> {f.reason}</span>}</td>
              <td class="nowrap">{dateTime(f.createdAt)}</td>
              <td class="nowrap">{dateTime(f.acknowledgedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The interesting part of an event's data (ids and codes the service recorded), in a short line. */
function eventLine(data: Record<string, unknown>): string {
  const keep = ['institutionId', 'reason', 'ruleId', 'by', 'note', 'from', 'to', 'forwardId'];
  return keep.filter((k) => data[k] !== undefined && data[k] !== null && data[k] !== '')
    .map((k) => (k === 'by' ? actorName(String(data[k])) : k === 'note' ? `« ${String(data[k])} »` : String(data[k]))).join(' · ');
}

export function CaseHistory({ history }: { history: View['history'] }) {
  const { t, dateTime } = useI18n();
  return (
    <section class="panel" aria-labelledby="history-title">
      <header class="panel-header"><h2 id="history-title">{t('case.history')}</h2></header>
      {history.length === 0 && <p class="panel-body muted">{t('case.history.empty')}</p>}
      <ol class="timeline">
        {[...history].reverse().map((h, i) => (
          <li key={i} class={`timeline-item kind-${h.kind}`}>
            <time class="timeline-at" dateTime={h.at}>{dateTime(h.at)}</time>
            <span class="timeline-kind">{EVENT_KINDS.includes(h.kind) ? t(`case.event.${h.kind}` as MessageKey) : h.kind}</span>
            <span class="timeline-data">{eventLine({ ...(h.data ?? {}), ...h })}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
