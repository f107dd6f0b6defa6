/** The triage queue: open orphan cases, oldest first, one page at a time from the service. */
import { api, ok } from '../../api/client';
import { Badge } from '../../components/badge';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { Link, href } from '../../router';
import type { PageProps } from '../page';
import { CASE_PATH } from '../paths';

export function QueuePage({ query }: PageProps) {
  const { t, dateTime } = useI18n();
  useTitle(`${t('queue.title')} · ${t('app.name')}`);
  const cursor = query.get('cursor') ?? undefined;
  const queue = useResource(() => ok(api.GET('/api/triage', { params: { query: { cursor, limit: 50 } } })), [cursor]);
  const reasonLabel = (code: string) => t(`reason.${code}` as MessageKey) ?? code;

  return (
    <>
      <PageHeader title={t('queue.title')} subtitle={t('queue.subtitle')} />
      {queue.error !== undefined && <ErrorNotice error={queue.error} onRetry={queue.reload} />}
      {queue.loading && !queue.data && <Loading />}
      {queue.data && queue.data.items.length === 0 && <Empty>{t('queue.empty')}</Empty>}
      {queue.data && queue.data.items.length > 0 && (
        <table class="table queue-table">
          <thead>
            <tr>
              <th scope="col">{t('queue.col.case')}</th>
              <th scope="col">{t('queue.col.reason')}</th>
              <th scope="col">{t('queue.col.buc')}</th>
              <th scope="col">{t('queue.col.sender')}</th>
              <th scope="col">{t('queue.col.since')}</th>
              <th scope="col" class="num">{t('queue.col.envelopes')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.items.map((c) => (
              <tr key={c.caseId}>
                <td><Link to={href(CASE_PATH, { caseId: c.caseId })} class="case-link">{c.caseId}</Link></td>
                <td><Badge tone="info">{reasonLabel(c.reason)}</Badge></td>
                <td><code>{c.bucType}</code></td>
                <td><code>{c.senderInstitutionId}</code></td>
                <td>{dateTime(c.since)}</td>
                <td class="num">{c.envelopesHeld}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
