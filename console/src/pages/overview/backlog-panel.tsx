/**
 * The triage backlog as the overview shows it: cases and the SEDs they hold, by reason, old and overdue by the
 * legal clock (business hours since the legal receipt), the oldest receipt; every figure links to the queue
 * filtered and sorted the same way.
 */
import type { Schemas } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { Link, href } from '../../router';
import { HOME_PATH } from '../paths';
import { reasonLabel } from '../queue/queue-filters';

type Backlog = Schemas['Overview']['backlog'];

export function BacklogPanel({ backlog }: { backlog: Backlog }) {
  const { t, number, dateTime } = useI18n();
  const queue = (q: Record<string, string | undefined>) => href(HOME_PATH, {}, { sort: 'received', ...q });
  const old = String(backlog.oldBusinessHours);
  const overdue = String(backlog.overdueBusinessHours);
  const cell = (n: number, q: Record<string, string | undefined>, data: string) => (
    <td class="num" data-backlog={data}>{n > 0 ? <Link to={queue(q)}>{number(n)}</Link> : number(n)}</td>
  );
  return (
    <section class="panel backlog-panel" aria-labelledby="backlog-title">
      <div class="panel-header">
        <h2 id="backlog-title">{t('overview.backlog.title')}</h2>
        <span class="muted">{t('overview.backlog.clock', { old, overdue })}</span>
      </div>
      <table class="table">
        <caption class="visually-hidden">{t('overview.backlog.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('queue.col.reason')}</th>
            <th scope="col" class="num">{t('overview.backlog.cases')}</th>
            <th scope="col" class="num">{t('overview.backlog.seds')}</th>
            <th scope="col" class="num">{t('overview.backlog.old', { old, overdue })}</th>
            <th scope="col" class="num">{t('overview.backlog.overdue', { overdue })}</th>
            <th scope="col">{t('overview.backlog.oldest')}</th>
          </tr>
        </thead>
        <tbody>
          {backlog.byReason.map((r) => (
            <tr key={r.reason} data-reason={r.reason}>
              <th scope="row">{reasonLabel(t, r.reason)}</th>
              {cell(r.cases, { reason: r.reason }, 'cases')}
              <td class="num">{number(r.envelopes)}</td>
              {cell(r.old, { reason: r.reason, minBusinessHours: old }, 'old')}
              {cell(r.overdue, { reason: r.reason, minBusinessHours: overdue }, 'overdue')}
              <td class="nowrap">{dateTime(r.oldestReceivedAt)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-reason="all">
            <th scope="row">{t('overview.backlog.total')}</th>
            {cell(backlog.cases, {}, 'cases')}
            <td class="num">{number(backlog.envelopes)}</td>
            {cell(backlog.old, { minBusinessHours: old }, 'old')}
            {cell(backlog.overdue, { minBusinessHours: overdue }, 'overdue')}
            <td class="nowrap">
              {dateTime(backlog.oldestReceivedAt)}
              {backlog.oldestBusinessHours !== null && <span class="muted"> · {t('queue.ageHours', { n: number(backlog.oldestBusinessHours) })}</span>}
            </td>
          </tr>
        </tfoot>
      </table>
      {backlog.cases === 0 && <p class="panel-body muted">{t('overview.backlog.empty')}</p>}
    </section>
  );
}
