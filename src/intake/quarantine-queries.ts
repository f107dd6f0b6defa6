/** What the quarantine pages read (implemented in src/store; injected into the web layer by src/app/). */
import type { Page, PageRequest } from '../shared/paging';

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
}

export interface QuarantineItem extends QuarantineSummary {
  /** The input byte for byte: text when it is valid UTF-8, else base64; null once purged by the retention job. */
  raw: string | null;
  rawEncoding: 'utf8' | 'base64';
  rawPurgedAt: string | null;
}

export interface QuarantineQueries {
  /** Newest first. */
  list(page: PageRequest, filter?: { errorCode?: string }): Promise<Page<QuarantineSummary>>;
  get(id: string): Promise<QuarantineItem | undefined>;
}
