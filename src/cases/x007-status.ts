/**
 * The state of a forward's X007 in RINA (forwarding/x007.ts carries it out), as the case view and the forward
 * show it: declared here, with the case, so that the case view names it without importing forwarding/.
 */
export const X007_STATES = ['pending', 'created', 'sent', 'failed', 'cancelled'] as const;
export type X007State = (typeof X007_STATES)[number];

/** An X007 as the forward and the case view show it. */
export interface X007Status {
  state: X007State;
  documentId: string | null;
  attempts: number;
  /** The CPI's answer to the last failed attempt. */
  error: string | null;
  ticketId: string | null;
  updatedAt: Date;
  sentAt: Date | null;
}
