/**
 * A new level-2 ticket as it arrives (POST /api/tickets body and liaison.helpdesk message body; both are
 * validated against schemas/ticket.schema.json before they reach the domain).
 */
import type { Priority } from '../sla/sla-policy';

/** Countries that may open tickets: the EESSI participants (EL = Greece, UK = United Kingdom), FR included. */
export const EESSI_COUNTRIES = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'EL', 'HU', 'IS', 'IE', 'IT',
  'LV', 'LI', 'LT', 'LU', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'CH', 'UK', 'EU',
] as const;

export interface NewTicketRequest {
  counterpartCountry: string;
  /** The counterpart desk's own ticket id: with counterpartCountry, the idempotency key. */
  counterpartRef: string;
  caseId?: string;
  bucType?: string;
  sedType?: string;
  category: string;
  priority: Priority;
  subject: string;
  description: string;
  /** RFC 3339 with offset; may precede the ticket (e.g. the SED's legalDeliveryAt). */
  slaStartAt?: string;
}

/**
 * The idempotency key of a ticket: a redelivered message or a retried POST with the same key is the same ticket.
 * The separator cannot occur in a country code, so distinct pairs never collide.
 */
export function ticketIdempotencyKey(req: Pick<NewTicketRequest, 'counterpartCountry' | 'counterpartRef'>): string {
  return `${req.counterpartCountry}:${req.counterpartRef}`;
}

/**
 * When the SLA clock starts: the requested instant, or the ticket's creation time by default. A requested start
 * after creation (typically the sender's clock running ahead) is taken as the creation time: the clock may start
 * before the ticket exists, never after, so no sender can buy itself a later start.
 */
export function slaStartOf(req: Pick<NewTicketRequest, 'slaStartAt'>, createdAt: Date): Date {
  if (req.slaStartAt === undefined) return createdAt;
  const requested = new Date(req.slaStartAt);
  return requested.getTime() > createdAt.getTime() ? createdAt : requested;
}
