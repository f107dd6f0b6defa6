/**
 * `report.ready` on the notifications exchange (docs/contract.md §4) for every new report version, sent from the
 * report_versions outbox by the generic notice relay (src/shared/notice-relay.ts, also the escalation notices'
 * relay): leased, published outside any transaction, then marked. The body names the version and where to read
 * it; the figures stay behind the API.
 */
import { noticeRelayStep, type NoticeRelayWiring } from '../shared/notice-relay';
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

export function reportRelayStep(deps: NoticeRelayWiring<ReportNotice>) {
  return noticeRelayStep<ReportNotice>({
    ...deps,
    routingKey: () => REPORT_READY_KEY,
    messageId: (n) => `report:${n.kind}:${n.period}:v${n.version}`,
    body: reportReadyMessage,
    describe: (n) => ({ kind: n.kind, period: n.period, version: n.version }),
    event: 'report.ready',
  });
}
