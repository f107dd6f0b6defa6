/**
 * `report.ready` on the notifications exchange (CONTRACT.md §4) for every new report version, sent from the
 * report_versions outbox by the generic notice relay (src/shared/notice-relay.ts, also the escalation notices'
 * relay): leased, published outside any transaction, then marked. The body names the version and where to read
 * it; the figures stay behind the API.
 */
import type { Logger } from '../shared/logger';
import { noticeRelayStep, type NoticeBus, type NoticeOutbox } from '../shared/notice-relay';
import type { ReportNotice } from './report-store';

export const REPORT_READY_KEY = 'report.ready';

export function reportPath(n: Pick<ReportNotice, 'kind' | 'period' | 'version'>): string {
  return `/api/reports/${n.kind}/${n.period}?version=${n.version}`;
}

export function reportReadyMessage(n: ReportNotice) {
  return {
    type: REPORT_READY_KEY,
    kind: n.kind,
    period: n.period,
    ...(n.kind === 'monthly' ? { month: n.period } : { year: n.period }),
    version: n.version,
    generatedAt: n.generatedAt.toISOString(),
    trigger: n.trigger,
    changes: n.changes,
    links: { json: reportPath(n), html: `${reportPath(n)}&format=html`, csv: `${reportPath(n)}&format=csv` },
  };
}

export interface ReportRelayDeps {
  outbox: NoticeOutbox<ReportNotice>;
  bus: NoticeBus;
  exchange: string;
  now: () => Date;
  logger: Logger;
  /** This relay's lease owner name (unique per process). */
  owner: string;
  /** How long a claim holds (above the broker's confirm timeout). */
  leaseMs?: number;
}

export function reportRelayStep(deps: ReportRelayDeps) {
  return noticeRelayStep<ReportNotice>({
    ...deps,
    routingKey: () => REPORT_READY_KEY,
    messageId: (n) => `report:${n.kind}:${n.period}:v${n.version}`,
    body: reportReadyMessage,
    describe: (n) => ({ kind: n.kind, period: n.period, version: n.version }),
    event: 'report.ready',
  });
}
