/** What the quarantine pages read (implemented in src/store; injected into the web layer by src/app/). */
import type { Page, PageRequest } from '../shared/paging';
import type { QuarantineStatus } from './quarantine-service';

export interface QuarantineSummary {
  id: string;
  receivedAt: string;
  via: string;
  errorCode: string;
  message: string;
  details: unknown[];
  size: number;
  envelopeId: string | null;
  caseId: string | null;
  receipts: number;
  lastReceivedAt: string;
  status: QuarantineStatus;
  /** Who closed the entry and when (re-submitted or dismissed), with the dismissal reason. */
  resolution: { at: string; by: string; note: string | null } | null;
  resubmissions: number;
}

/** One re-submission of an entry: its outcome, and the new reason when it was rejected again. */
export interface ResubmissionAttempt {
  at: string;
  by: string;
  outcome: string;
  envelopeId: string | null;
  error?: { code: string; message: string | null; details: unknown[] };
}

export interface QuarantineItem extends QuarantineSummary {
  /** The input byte for byte: text when it is valid UTF-8, else base64; null once purged by the retention job. */
  raw: string | null;
  rawEncoding: 'utf8' | 'base64';
  rawPurgedAt: string | null;
  resubmissionHistory: ResubmissionAttempt[];
}

export interface QuarantineQueries {
  /** Newest first. */
  list(page: PageRequest, filter?: { errorCode?: string; status?: QuarantineStatus }): Promise<Page<QuarantineSummary>>;
  get(id: string): Promise<QuarantineItem | undefined>;
}
