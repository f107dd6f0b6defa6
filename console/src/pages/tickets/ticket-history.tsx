/**
 * What was said and done on a ticket, from GET /api/tickets/:id: the messages (internal notes and what the
 * requester is told, shown apart), the conversation with the counterpart desk (`thread`, with each message's
 * delivery state), and the full history of events (who did what, the state after, the party of a pause).
 */
import type { Schemas } from '../../api/client';
import { actorName } from '../../codes';
import { Badge, type Tone } from '../../components/badge';
import { useI18n, type Locale, type MessageKey, type Translate } from '../../i18n/i18n';
import { serviceErrorText } from '../../i18n/service-errors';
import { stateLabel } from './ticket-labels';

type Ticket = Schemas['Ticket'];
type TicketEvent = Ticket['events'][number];
type ThreadMessage = Schemas['ThreadMessage'];

const EVENT_KINDS = ['created', 'respond', 'wait', 'resume', 'resolve', 'reopen', 'comment', 'assign', 'close', 'priority', 'escalated'];
const DELIVERY_TONE: Record<ThreadMessage['delivery']['state'], Tone> = { pending: 'info', sent: 'ok', failed: 'danger', none: 'muted' };

function eventLabel(t: Translate, e: Pick<TicketEvent, 'kind' | 'on'>): string {
  if (e.kind === 'wait' && e.on) return t(`ticket.event.waitOn.${e.on}` as MessageKey);
  return EVENT_KINDS.includes(e.kind) ? t(`ticket.event.${e.kind}` as MessageKey) : e.kind;
}

/** The ids and codes the service recorded with an event, in a short line. */
function eventData(t: Translate, e: TicketEvent): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  if (e.kind === 'priority') return `${String(d.from)} → ${String(d.to)}`;
  if (e.kind === 'assign') return d.assignee ? t('ticket.event.assignedTo', { who: actorName(String(d.assignee)) }) : t('ticket.event.unassigned');
  if (e.kind === 'escalated' && typeof d.escalation === 'string') return t(`ticket.escalation.${d.escalation}` as MessageKey);
  if (d.automatic) return t('ticket.event.automatic');
  if (typeof d.via === 'string' && d.via === 'counterpart') return t('ticket.event.viaCounterpart');
  return '';
}

/**
 * Why the last delivery failed: the service records `CODE: English sentence` (or a broker's own words); the code's
 * sentence of the catalogue is shown with the code, the recorded text only when the catalogue has none.
 */
export function deliveryError(locale: Locale, lastError: string | null | undefined): string {
  if (!lastError) return '';
  const m = /^([A-Z]{2,4}_[A-Z0-9_]+): /.exec(lastError);
  const own = m?.[1] ? serviceErrorText(locale, m[1]) : undefined;
  return own && m?.[1] ? `${own} (${m[1]})` : lastError;
}

function VisibilityBadge({ visibility }: { visibility: 'internal' | 'external' }) {
  const { t } = useI18n();
  return <Badge tone={visibility === 'internal' ? 'neutral' : 'info'}>{t(`ticket.visibility.${visibility}` as MessageKey)}</Badge>;
}

export function TicketMessages({ events }: { events: TicketEvent[] }) {
  const { t, dateTime } = useI18n();
  const said = events.filter((e) => e.visibility !== undefined);
  return (
    <section class="panel" aria-labelledby="messages-title">
      <header class="panel-header"><h2 id="messages-title">{t('ticket.messages')}</h2><span class="muted">{said.length}</span></header>
      {said.length === 0 && <p class="panel-body muted">{t('ticket.messages.empty')}</p>}
      <ol class="plain ticket-messages">
        {said.map((e, i) => (
          <li key={i} class={`ticket-message ticket-message-${e.visibility}`} data-visibility={e.visibility}>
            <div class="ticket-message-head">
              <VisibilityBadge visibility={e.visibility!} />
              <strong>{eventLabel(t, e)}</strong>
              <span class="muted">{actorName(e.actor)}</span>
              <time class="muted" dateTime={e.at}>{dateTime(e.at)}</time>
            </div>
            {e.message === null || e.message === undefined
              ? <p class="muted ticket-message-hidden">{t('ticket.messages.hidden')}</p>
              : <p class="ticket-message-text">{e.message}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function TicketThread({ thread }: { thread: ThreadMessage[] }) {
  const { t, dateTime, locale } = useI18n();
  return (
    <section class="panel" aria-labelledby="thread-title">
      <header class="panel-header"><h2 id="thread-title">{t('ticket.thread')}</h2><span class="muted">{thread.length}</span></header>
      {thread.length === 0 && <p class="panel-body muted">{t('ticket.thread.empty')}</p>}
      <ol class="plain ticket-thread">
        {thread.map((m) => (
          <li key={`${m.direction}:${m.messageId}`} class={`ticket-thread-item thread-${m.direction}`}>
            <div class="ticket-message-head">
              <strong>{t(`ticket.thread.${m.direction}` as MessageKey)}</strong>
              <span class="ticket-thread-event">{t(`ticket.thread.event.${m.event}` as MessageKey)}</span>
              <time class="muted" dateTime={m.at}>{dateTime(m.at)}</time>
              {m.direction === 'out' && (
                <Badge tone={DELIVERY_TONE[m.delivery.state]}>{t(`ticket.delivery.${m.delivery.state}` as MessageKey)}</Badge>
              )}
            </div>
            {m.message && <p class="ticket-message-text">{m.message}</p>}
            {m.direction === 'out' && (
              <p class="muted ticket-delivery">
                {m.delivery.sentAt && t('ticket.delivery.sentAt', { at: dateTime(m.delivery.sentAt) })}
                {m.delivery.state === 'failed' && t('ticket.delivery.retry', { attempts: m.delivery.attempts, at: dateTime(m.delivery.nextAttemptAt), error: deliveryError(locale, m.delivery.lastError) })}
              </p>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function TicketHistory({ events }: { events: TicketEvent[] }) {
  const { t, dateTime } = useI18n();
  return (
    <section class="panel" aria-labelledby="history-title">
      <header class="panel-header"><h2 id="history-title">{t('ticket.history')}</h2></header>
      <ol class="timeline">
        {[...events].reverse().map((e, i) => {
          const data = eventData(t, e);
          return (
            <li key={i} class={`timeline-item kind-${e.kind}`}>
              <time class="timeline-at" dateTime={e.at}>{dateTime(e.at)}</time>
              <span class="timeline-kind">{eventLabel(t, e)}</span>
              <span class="timeline-data">
                {actorName(e.actor)} · {stateLabel(t, e.state)}{data && ` · ${data}`}
                {e.visibility && <> · <VisibilityBadge visibility={e.visibility} /></>}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
