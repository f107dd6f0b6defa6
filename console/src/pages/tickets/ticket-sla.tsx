/**
 * The ticket's two SLA clocks as the service measured them at `sla.asOf`: each with its colour and words, its due
 * time, the business time used of its target, whether it runs, is paused or stopped; the waiting time by party;
 * and the escalations raised.
 */
import type { Schemas } from '../../api/client';
import { Badge } from '../../components/badge';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { SlaBadge, businessDuration, partyLabel } from './ticket-labels';

type Ticket = Schemas['Ticket'];

function Clock({ name, status, dueAt, usedMs, targetMs, state, doneAt, doneLabel }: {
  name: 'firstResponse' | 'resolution'; status: Schemas['TicketSla']['status']; dueAt: string; usedMs: number; targetMs: number;
  state: 'running' | 'paused' | 'stopped'; doneAt: string | null; doneLabel: MessageKey;
}) {
  const { t, dateTime } = useI18n();
  return (
    <section class={`ticket-clock sla-${status}`} aria-labelledby={`clock-${name}`} data-clock={name}>
      <h3 id={`clock-${name}`}>{t(`ticket.clock.${name}` as MessageKey)} <SlaBadge status={status} /></h3>
      <dl class="dl">
        <dt>{t('ticket.clock.due')}</dt><dd>{dateTime(dueAt)}</dd>
        <dt>{t('ticket.clock.used')}</dt><dd>{t('ticket.clock.usedOf', { used: businessDuration(t, usedMs), target: businessDuration(t, targetMs) })}</dd>
        <dt>{t('ticket.clock.state')}</dt><dd>{t(`ticket.clock.${state}` as MessageKey)}</dd>
        {doneAt && <><dt>{t(doneLabel)}</dt><dd>{dateTime(doneAt)}</dd></>}
      </dl>
    </section>
  );
}

export function TicketSlaPanel({ ticket }: { ticket: Ticket }) {
  const { t, dateTime } = useI18n();
  const { sla } = ticket;
  const counterpartWait = sla.waitingByParty.counterpart;
  const institutionWait = sla.waitingByParty.institution;
  return (
    <section class="panel ticket-sla" aria-labelledby="sla-title">
      <header class="panel-header">
        <h2 id="sla-title">{t('ticket.sla')}</h2>
        <SlaBadge status={sla.status} />
      </header>
      <div class="panel-body">
        <p class="muted ticket-sla-meta">{t('ticket.sla.meta', { version: sla.policyVersion, priority: sla.priority, start: dateTime(sla.clockStartAt), asOf: dateTime(sla.asOf) })}</p>
        <div class="ticket-clocks">
          <Clock name="firstResponse" status={sla.firstResponseStatus} dueAt={sla.firstResponseDueAt} usedMs={sla.firstResponseBusinessMs}
            targetMs={sla.firstResponseTargetMs} state={sla.responseClock} doneAt={sla.firstResponseAt} doneLabel="ticket.clock.respondedAt" />
          <Clock name="resolution" status={sla.resolutionStatus} dueAt={sla.resolutionDueAt} usedMs={sla.resolutionBusinessMs}
            targetMs={sla.resolutionTargetMs} state={sla.resolutionClock} doneAt={ticket.resolvedAt} doneLabel="ticket.clock.resolvedAt" />
        </div>
        <h3>{t('ticket.pauses')}</h3>
        <dl class="dl">
          <dt>{t('ticket.pauses.total')}</dt><dd>{businessDuration(t, sla.pausedMs)}</dd>
          <dt>{partyLabel(t, 'counterpart')}</dt>
          <dd>{businessDuration(t, counterpartWait?.deskBusinessMs ?? 0)}{counterpartWait?.counterpartBusinessMs !== undefined && <span class="muted"> · {t('ticket.pauses.theirHours', { d: businessDuration(t, counterpartWait.counterpartBusinessMs) })}</span>}</dd>
          <dt>{partyLabel(t, 'institution')}</dt><dd>{businessDuration(t, institutionWait?.deskBusinessMs ?? 0)}</dd>
        </dl>
        {ticket.escalations.length > 0 && (
          <>
            <h3>{t('ticket.escalations')}</h3>
            <ul class="plain ticket-escalations">
              {ticket.escalations.map((e) => (
                <li key={e.kind}>
                  <Badge tone={e.kind.endsWith('breach') ? 'danger' : 'warn'}>{t(`ticket.escalation.${e.kind}` as MessageKey)}</Badge>{' '}
                  {t('ticket.escalation.at', { at: dateTime(e.at), due: dateTime(e.dueAt) })}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
