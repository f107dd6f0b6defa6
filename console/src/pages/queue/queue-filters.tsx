/**
 * The queue's filters: reasons as toggles with their counts, then BUC type, sector, sending country, a minimum age
 * in business hours (from the legal receipt or the entry into triage), "my claimed cases"; the sort and the page
 * travel in the same URL.
 */
import { useEffect, useState } from 'preact/hooks';
import { COUNTRIES, SECTORS, TRIAGE_REASONS } from '../../codes';
import { useI18n, type MessageKey } from '../../i18n/i18n';

export interface QueueFilter {
  reason: string[];
  bucType: string;
  sector: string;
  senderCountry: string;
  /** Business hours (desk calendar), counted from `ageFrom`. */
  minBusinessHours: string;
  ageFrom: 'received' | 'triage';
  /** Only the cases the operator holds a claim on. */
  mine: boolean;
  /** The API's sort (`received`, `-triageSince`…); empty for the default order. */
  sort: string;
}

export const NO_FILTER: QueueFilter = { reason: [], bucType: '', sector: '', senderCountry: '', minBusinessHours: '', ageFrom: 'received', mine: false, sort: '' };

export function filterFromQuery(q: URLSearchParams): QueueFilter {
  return {
    reason: q.getAll('reason'),
    bucType: q.get('bucType') ?? '',
    sector: q.get('sector') ?? '',
    senderCountry: q.get('senderCountry') ?? '',
    minBusinessHours: q.get('minBusinessHours') ?? '',
    ageFrom: q.get('ageFrom') === 'triage' ? 'triage' : 'received',
    mine: q.get('mine') === 'true',
    sort: q.get('sort') ?? '',
  };
}

/** The console URL's query of a filter (page 1). */
export function urlQueryOf(f: QueueFilter): Record<string, string | string[] | undefined> {
  return {
    reason: f.reason, bucType: f.bucType, sector: f.sector, senderCountry: f.senderCountry, minBusinessHours: f.minBusinessHours,
    ageFrom: f.minBusinessHours && f.ageFrom === 'triage' ? 'triage' : undefined, mine: f.mine ? 'true' : undefined, sort: f.sort || undefined,
  };
}

export function reasonLabel(t: (k: MessageKey) => string, code: string): string {
  return (TRIAGE_REASONS as readonly string[]).includes(code) ? t(`reason.${code}` as MessageKey) : code;
}

export function ReasonCounts({ counts, selected, onToggle }: { counts: Record<string, number>; selected: string[]; onToggle: (code: string) => void }) {
  const { t, number } = useI18n();
  const codes = [...new Set([...TRIAGE_REASONS.filter((r) => counts[r] !== undefined), ...Object.keys(counts)])];
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return (
    <section class="reason-counts" aria-labelledby="reason-counts-title">
      <h2 id="reason-counts-title" class="visually-hidden">{t('queue.counts')}</h2>
      <span class="reason-total">{t('queue.total', { n: number(total) })}</span>
      <ul>
        {codes.map((code) => {
          const on = selected.includes(code);
          return (
            <li key={code}>
              <button type="button" class={on ? 'chip chip-on' : 'chip'} aria-pressed={on} onClick={() => onToggle(code)}>
                <span>{reasonLabel(t, code)}</span>
                <span class="chip-count">{number(counts[code] ?? 0)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function QueueFilters({ value, onApply }: { value: QueueFilter; onApply: (f: QueueFilter) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value.bucType, value.sector, value.senderCountry, value.minBusinessHours, value.ageFrom, value.mine, value.sort, value.reason.join()]);
  const set = (k: keyof QueueFilter) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  const any = value.reason.length > 0 || value.bucType || value.sector || value.senderCountry || value.minBusinessHours || value.mine;
  return (
    <form class="filters" aria-label={t('queue.filters')} onSubmit={(e) => { e.preventDefault(); onApply({ ...draft, bucType: draft.bucType.trim().toUpperCase() }); }}>
      <div class="filter">
        <label for="f-buc">{t('queue.filter.bucType')}</label>
        <input id="f-buc" value={draft.bucType} onInput={set('bucType')} placeholder="P_BUC_01" size={11} />
      </div>
      <div class="filter">
        <label for="f-sector">{t('queue.filter.sector')}</label>
        <select id="f-sector" value={draft.sector} onChange={set('sector')}>
          <option value="">{t('queue.filter.any')}</option>
          {SECTORS.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </div>
      <div class="filter">
        <label for="f-country">{t('queue.filter.senderCountry')}</label>
        <select id="f-country" value={draft.senderCountry} onChange={set('senderCountry')}>
          <option value="">{t('queue.filter.any')}</option>
          {COUNTRIES.filter((c) => c !== 'FR').map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </div>
      <div class="filter">
        <label for="f-age">{t('queue.filter.minBusinessHours')}</label>
        <input id="f-age" type="number" min={0} step={1} value={draft.minBusinessHours} onInput={set('minBusinessHours')} class="input-narrow" />
      </div>
      <div class="filter">
        <label for="f-age-from">{t('queue.filter.ageFrom')}</label>
        <select id="f-age-from" value={draft.ageFrom} onChange={set('ageFrom')}>
          <option value="received">{t('queue.filter.ageFrom.received')}</option>
          <option value="triage">{t('queue.filter.ageFrom.triage')}</option>
        </select>
      </div>
      <div class="filter filter-check">
        <input id="f-mine" type="checkbox" checked={draft.mine} onChange={(e) => setDraft({ ...draft, mine: e.currentTarget.checked })} />
        <label for="f-mine">{t('queue.filter.mine')}</label>
      </div>
      <div class="filter filter-actions">
        <button type="submit" class="btn">{t('queue.filter.apply')}</button>
        {any && <button type="button" class="btn btn-ghost" onClick={() => onApply({ ...NO_FILTER, sort: value.sort })}>{t('queue.filter.clear')}</button>}
      </div>
    </form>
  );
}
