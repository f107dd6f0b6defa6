/**
 * The help-desk ticket of an X007 that could not be carried out in RINA (src/forwarding/x007.ts): the case was not
 * handed over in EESSI and someone must look (the case offers no Forward Case action, the CPI refused the X007, or
 * it failed for too long). One ticket per forward (idempotent on its id), P2: the institution has the SED but the
 * sender's RINA still shows the liaison body as the case's holder. Ids and the CPI's answer only, no personal data.
 */
import type { AutomaticTicketRequest } from './ticket-service';

/** What the ticket says of the failure (the forwarding side's X007Failure, structurally). */
export interface X007FailureFacts {
  forwardId: string;
  caseId: string;
  bucType: string | null;
  institutionId: string;
  documentId: string | null;
  error: string;
  failedAt: Date;
}

export function x007FailureTicket(f: X007FailureFacts): AutomaticTicketRequest {
  return {
    kind: 'x007-failed',
    ref: f.forwardId,
    caseId: f.caseId,
    bucType: f.bucType,
    counterpartCountry: 'FR',
    priority: 'P2',
    subject: `Case ${f.caseId}: the X007 forwarding it to ${f.institutionId} could not be sent in RINA`,
    description: [
      `The forward ${f.forwardId} of case ${f.caseId} to ${f.institutionId} was not carried out in RINA (X007 "Forward case").`,
      `RINA's answer: ${f.error || 'none'}.`,
      f.documentId ? `The X007 exists in RINA as document ${f.documentId}, not sent.` : 'No X007 was created in RINA.',
      'Once the cause is fixed in RINA, retry the X007 from the case page (or POST /api/forwards/{forwardId}/x007/retry).',
    ].join('\n'),
    origin: { forwardId: f.forwardId, institutionId: f.institutionId, documentId: f.documentId, failedAt: f.failedAt.toISOString() },
  };
}
