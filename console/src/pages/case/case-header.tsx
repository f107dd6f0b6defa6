/**
 * What the working case page and the agent's read-only view show alike: the heading (case id, status in colour and
 * words, BUC and sender) and the summary (legal receipt, triage reason and time, institution, return reason).
 */
import type { ComponentChildren } from 'preact';
import type { Schemas } from '../../api/client';
import { Badge, type Tone } from '../../components/badge';
import { PageHeader } from '../../components/page-header';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { reasonLabel } from '../queue/queue-filters';

type CaseView = Schemas['CaseView'];

const STATUS_TONE: Record<string, Tone> = { triage: 'warn', forwarded: 'ok', returned: 'muted', received: 'info', quarantined: 'danger' };

export function CaseHeading({ view: c, actions }: { view: CaseView; actions?: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <PageHeader
      title={<>{t('case.title', { caseId: c.caseId })} <Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{t(`case.status.${c.status}` as MessageKey)}</Badge></>}
      subtitle={<>{c.bucType && <code>{c.bucType}</code>}{c.senderInstitutionId && <> · {c.senderCountry} <code>{c.senderInstitutionId}</code></>}</>}
      actions={actions}
    />
  );
}

export function CaseSummary({ view: c }: { view: CaseView }) {
  const { t, dateTime } = useI18n();
  return (
    <section class="panel" aria-labelledby="summary-title">
      <header class="panel-header"><h2 id="summary-title">{t('case.summary')}</h2></header>
      <dl class="dl panel-body summary">
        <dt>{t('case.legalDelivery')}</dt><dd>{dateTime(c.firstLegalDeliveryAt)}</dd>
        {c.triage && <><dt>{t('case.triageReason')}</dt><dd><strong>{reasonLabel(t, c.triage.reason)}</strong></dd></>}
        {c.triage && <><dt>{t('case.triageSince')}</dt><dd>{dateTime(c.triage.since)}</dd></>}
        {c.institutionId && <><dt>{t('case.institution')}</dt><dd><code>{c.institutionId}</code></dd></>}
        {c.returnReason && <><dt>{t('case.returnReason')}</dt><dd>{c.returnReason}</dd></>}
      </dl>
    </section>
  );
}
