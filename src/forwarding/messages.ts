/** The messages forwarding publishes (docs/contract.md §4), built from an outbox row and its envelope. */
import type { Envelope } from '../intake/envelope';
import type { Directory } from '../routing/directory';

/**
 * The institutions that get a queue on liaison.forward: only French ones (ids `FR:…`) are forwarded to; foreign
 * institutions in the directory are there for references and are never a forward's target.
 */
export function institutionsWithQueues(directory: Pick<Directory, 'institutions'>): string[] {
  return directory.institutions.map((i) => i.id).filter((id) => id.startsWith('FR:'));
}

export interface OutboxItem {
  forwardId: string;
  caseId: string;
  envelopeId: string;
  institutionId: string;
  rinaInstruction: boolean;
  ruleId: string | null;
  explanation: string;
  envelope: Envelope;
}

export interface OutgoingMessage {
  exchange: 'forward' | 'rina';
  routingKey: string;
  messageId: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export function forwardMessages(item: OutboxItem, rinaRoutingKey: string): OutgoingMessage[] {
  const e = item.envelope;
  // The legal receipt time travels exactly as received (its original text and offset), never re-stamped.
  const headers = { 'x-legal-delivery-at': e.legalDeliveryAt, 'x-case-id': e.caseId };
  const out: OutgoingMessage[] = [{
    exchange: 'forward', routingKey: item.institutionId, messageId: item.forwardId, headers,
    body: {
      forwardId: item.forwardId, caseId: e.caseId, envelopeId: e.envelopeId, bucType: e.bucType, sedType: e.sedType,
      institutionId: item.institutionId, legalDeliveryAt: e.legalDeliveryAt,
      decision: { ruleId: item.ruleId, explanation: item.explanation },
      sender: e.sender, documentId: e.documentId, documentVersion: e.documentVersion,
      sed: e.sed,
    },
  }];
  if (item.rinaInstruction) {
    out.push({
      exchange: 'rina', routingKey: rinaRoutingKey, messageId: `${item.forwardId}.X007`, headers,
      body: {
        instruction: 'forward-case', sedType: 'X007', caseId: e.caseId, bucType: e.bucType, targetInstitutionId: item.institutionId,
        forwardId: item.forwardId, legalDeliveryAt: e.legalDeliveryAt,
      },
    });
  }
  return out;
}
