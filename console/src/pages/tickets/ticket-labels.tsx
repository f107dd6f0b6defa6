/**
 * What the ticket pages share: the SLA colours as the service gives them (`sla.status`, and each clock's
 * `firstResponseStatus` / `resolutionStatus`), labels of states, priorities and parties, business durations.
 * Nothing here decides a standing: a colour is always the API's, and its text says the same thing.
 */
import type { Schemas } from '../../api/client';
import { Badge, type Tone } from '../../components/badge';
import { useI18n, type MessageKey, type Translate } from '../../i18n/i18n';

export type SlaStanding = Schemas['TicketSla']['status'];
export type TicketState = Schemas['TicketState'];
export type Priority = Schemas['Priority'];
export type ActionName = Schemas['ActionName'];
export type WaitParty = 'counterpart' | 'institution';

export const TICKET_STATES: readonly TicketState[] = ['new', 'open', 'waiting-counterpart', 'waiting-institution', 'resolved', 'closed'];
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];
export const WAIT_PARTIES: readonly WaitParty[] = ['counterpart', 'institution'];
export const TICKET_SOURCES: readonly Schemas['TicketSource'][] = ['counterpart', 'institution', 'operator', 'automatic'];

export const SLA_TONE: Record<SlaStanding, Tone> = { 'on-time': 'ok', warning: 'warn', breached: 'danger' };
const STATE_TONE: Record<TicketState, Tone> = {
  new: 'info', open: 'info', 'waiting-counterpart': 'neutral', 'waiting-institution': 'neutral', resolved: 'muted', closed: 'muted',
};

/** The ticket's standing, or one clock's: colour and words together. */
export function SlaBadge({ status, clock }: { status: SlaStanding; clock?: 'firstResponse' | 'resolution' }) {
  const { t } = useI18n();
  const text = t(`tickets.sla.${status}` as MessageKey);
  return <Badge tone={SLA_TONE[status]} title={clock ? `${t(`ticket.clock.${clock}` as MessageKey)} : ${text}` : undefined}>{text}</Badge>;
}

export function StateBadge({ state }: { state: TicketState }) {
  const { t } = useI18n();
  return <Badge tone={STATE_TONE[state]}>{stateLabel(t, state)}</Badge>;
}

export function stateLabel(t: Translate, state: TicketState): string {
  return t(`tickets.state.${state}` as MessageKey);
}

export function priorityLabel(t: Translate, p: Priority): string {
  return t(`tickets.priority.${p}` as MessageKey);
}

export function partyLabel(t: Translate, on: WaitParty): string {
  return t(`ticket.party.${on}` as MessageKey);
}

/** Business milliseconds as "1 h 40 min" (a presentation of the API's figure, not a computation of the SLA). */
export function businessDuration(t: Translate, ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return t('ticket.duration.m', { m });
  return m === 0 ? t('ticket.duration.h', { h }) : t('ticket.duration.hm', { h, m });
}
