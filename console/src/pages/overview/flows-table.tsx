/**
 * The flows of today beside yesterday, and of this month beside the same days of the month before, each labelled
 * with what it counts: SEDs (envelopes), cases, or rejected inputs.
 */
import type { Schemas } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type Overview = Schemas['Overview'];
const FLOWS = [
  ['received', 'seds'], ['forwardedAutomatically', 'seds'], ['toTriage', 'seds'], ['forwardedAfterTriage', 'cases'], ['bounced', 'cases'], ['quarantined', 'inputs'],
] as const;

export function FlowsTable({ o }: { o: Overview }) {
  const { t, number, date, locale } = useI18n();
  const monthName = (m: string) => new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${m}-01T00:00:00Z`));
  const day = (d: string) => date(`${d}T12:00:00Z`);
  return (
    <table class="table overview-table">
      <caption>{t('overview.flows')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('overview.flow')}</th>
          <th scope="col">{t('overview.unit')}</th>
          <th scope="col" class="num">{t('overview.todayOn', { date: day(o.today.date) })}</th>
          <th scope="col" class="num">{t('overview.yesterdayOn', { date: day(o.yesterday.date) })}</th>
          <th scope="col" class="num">{t('overview.month', { month: monthName(o.month.month) })}</th>
          <th scope="col" class="num">{t('overview.previousMonth', { month: monthName(o.previousMonth.month), through: day(o.previousMonth.through) })}</th>
        </tr>
      </thead>
      <tbody>
        {FLOWS.map(([f, unit]) => (
          <tr key={f} data-flow={f}>
            <th scope="row">{t(`overview.flow.${f}` as MessageKey)}</th>
            <td class="muted">{t(`overview.unit.${unit}` as MessageKey)}</td>
            <td class="num" data-period="today">{number(o.today[f])}</td>
            <td class="num" data-period="yesterday">{number(o.yesterday[f])}</td>
            <td class="num" data-period="month">{number(o.month[f])}</td>
            <td class="num" data-period="previousMonth">{number(o.previousMonth[f])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
