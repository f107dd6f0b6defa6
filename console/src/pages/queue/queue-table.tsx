/**
 * The queue's table: the legal receipt time and its age in business hours (the legal clock, what the deadlines
 * count from), the time in triage, reason, BUC, sender, SEDs, claim. Column headers sort through the API (a second
 * click reverses); `aria-sort` says the order to screen readers.
 */
import type { Ref } from 'preact';
import type { Schemas } from '../../api/client';
import { actorName } from '../../codes';
import { Badge, type Tone } from '../../components/badge';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { onLinkClick } from '../../router';
import { useSession } from '../../session';
import { reasonLabel } from './queue-filters';

type TriageItem = Schemas['TriageItem'];
export const AGE_TONE: Record<TriageItem['age']['class'], Tone> = { fresh: 'ok', old: 'warn', overdue: 'danger' };

/** Sort keys of the API, by column. */
export type SortKey = 'received' | 'triageSince' | 'reason' | 'bucType' | 'senderCountry';

function ClaimCell({ claim }: { claim: TriageItem['claim'] }) {
  const { t, dateTime } = useI18n();
  const { session } = useSession();
  if (!claim) return <span class="muted">{t('app.none')}</span>;
  const who = actorName(claim.by);
  const mine = who === session?.username;
  return <Badge tone={mine ? 'info' : 'warn'} title={t('queue.claimedBy', { by: who, until: dateTime(claim.until) })}>{mine ? t('queue.claimedByYou') : who}</Badge>;
}

function SortHeader({ label, col, sort, onSort, class: cls }: { label: string; col: SortKey; sort: string; onSort: (s: string) => void; class?: string }) {
  const { t } = useI18n();
  const current = sort === col ? 'ascending' : sort === `-${col}` ? 'descending' : undefined;
  const next = current === 'ascending' ? `-${col}` : col;
  return (
    <th scope="col" aria-sort={current ?? 'none'} class={cls}>
      <button type="button" class="sort-button" onClick={() => onSort(next)}
        title={t(current === 'ascending' ? 'queue.sort.descending' : 'queue.sort.ascending', { column: label })}>
        {label}<span class="sort-mark" aria-hidden="true">{current === 'ascending' ? ' ▲' : current === 'descending' ? ' ▼' : ' ↕'}</span>
      </button>
    </th>
  );
}

interface TableProps {
  items: TriageItem[];
  /** The API sort in force ('' = the default, oldest in triage first). */
  sort: string;
  onSort: (sort: string) => void;
  selected: number;
  onSelect: (i: number) => void;
  caseHref: (caseId: string) => string;
  rowRef: (i: number) => Ref<HTMLAnchorElement>;
}

export function QueueTable({ items, sort, onSort, selected, onSelect, caseHref, rowRef }: TableProps) {
  const { t, dateTime, number, locale } = useI18n();
  const effective = sort || 'triageSince';
  const col = (key: MessageKey) => t(key);
  return (
    <table class="table queue-table" aria-describedby="queue-keys">
      <caption class="visually-hidden">{t('queue.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('queue.col.case')}</th>
          <SortHeader label={col('queue.col.received')} col="received" sort={effective} onSort={onSort} />
          <SortHeader label={col('queue.col.since')} col="triageSince" sort={effective} onSort={onSort} />
          <SortHeader label={col('queue.col.reason')} col="reason" sort={effective} onSort={onSort} />
          <SortHeader label={col('queue.col.buc')} col="bucType" sort={effective} onSort={onSort} />
          <SortHeader label={col('queue.col.sender')} col="senderCountry" sort={effective} onSort={onSort} />
          <th scope="col" class="num">{t('queue.col.envelopes')}</th>
          <th scope="col">{t('queue.col.claim')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c, i) => (
          <tr key={c.caseId} class={`age-${c.legalAge.class}${i === selected ? ' selected' : ''}`}>
            <td>
              <a href={caseHref(c.caseId)} onClick={onLinkClick(caseHref(c.caseId))} class="case-link" ref={rowRef(i)} onFocus={() => onSelect(i)}>
                {c.caseId}
              </a>
            </td>
            <td class="nowrap">
              <Badge tone={AGE_TONE[c.legalAge.class]}>{t(`queue.age.${c.legalAge.class}`)}</Badge>{' '}
              <span class="age-hours">{t('queue.ageHours', { n: number(c.legalAge.businessHours) })}</span>
              <span class="queue-when">{dateTime(c.firstLegalDeliveryAt)}</span>
            </td>
            <td class="nowrap">
              <span class="age-hours">{t('queue.ageHours', { n: number(c.age.businessHours) })}</span>
              <span class="queue-when">{dateTime(c.triageSince)}</span>
            </td>
            <td><span class="reason">{reasonLabel(t, c.triageReason)}</span>{c.explanation && locale !== 'fr' && <span class="explanation" title={c.explanation}>{c.explanation}</span>}</td>
            <td><code>{c.bucType}</code></td>
            <td><span class="country">{c.senderCountry}</span> <code class="muted">{c.senderInstitutionId}</code></td>
            <td class="num">{c.envelopes}</td>
            <td><ClaimCell claim={c.claim} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
