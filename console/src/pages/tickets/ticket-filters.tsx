/**
 * The ticket list's filters, as the GET /api/tickets query takes them, kept in the URL (shareable, back button):
 * states and priorities (any of those ticked), counterpart country, assignee or "nobody", breached, source, case,
 * free text (subject, counterpart reference), and the order: next due time first unless asked otherwise.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../../api/client';
import { COUNTRIES } from '../../codes';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { PRIORITIES, TICKET_SOURCES, TICKET_STATES, stateLabel, type Priority, type TicketState } from './ticket-labels';

export interface TicketFilter {
  state: TicketState[];
  priority: Priority[];
  counterpartCountry: string;
  assignee: string;
  /** Only tickets nobody is assigned to (`assigned=false`). */
  unassigned: boolean;
  breached: '' | 'true' | 'false';
  source: string;
  caseId: string;
  /** Words of the subject or the counterpart reference. */
  q: string;
  /** '' = next due time first (the desk's default); 'created' = newest first. */
  sort: '' | 'created';
}

export const NO_FILTER: TicketFilter = { state: [], priority: [], counterpartCountry: '', assignee: '', unassigned: false, breached: '', source: '', caseId: '', q: '', sort: '' };

function pick<T extends string>(values: string[], allowed: readonly T[]): T[] {
  return values.flatMap((v) => v.split(',')).filter((v): v is T => (allowed as readonly string[]).includes(v));
}

export function filterFromQuery(q: URLSearchParams): TicketFilter {
  const breached = q.get('breached');
  return {
    state: pick(q.getAll('state'), TICKET_STATES),
    priority: pick(q.getAll('priority'), PRIORITIES),
    counterpartCountry: q.get('counterpartCountry') ?? '',
    assignee: q.get('assignee') ?? '',
    unassigned: q.get('assigned') === 'false',
    breached: breached === 'true' || breached === 'false' ? breached : '',
    source: q.get('source') ?? '',
    caseId: q.get('caseId') ?? '',
    q: q.get('q') ?? '',
    sort: q.get('sort') === 'created' ? 'created' : '',
  };
}

/** The page's own URL query for a filter (the cursor is added by the pager). */
export function queryOfFilter(f: TicketFilter): Record<string, string | string[] | undefined> {
  return {
    state: f.state, priority: f.priority, counterpartCountry: f.counterpartCountry, assignee: f.unassigned ? undefined : f.assignee,
    assigned: f.unassigned ? 'false' : undefined, breached: f.breached, source: f.source, caseId: f.caseId, q: f.q || undefined, sort: f.sort || undefined,
  };
}

/** The API query of a filter. */
export function apiQueryOf(f: TicketFilter, cursor: string | undefined, limit: number) {
  return {
    state: f.state.length ? f.state : undefined,
    priority: f.priority.length ? f.priority : undefined,
    counterpartCountry: (f.counterpartCountry || undefined) as Schemas['Country'] | undefined,
    assignee: !f.unassigned && f.assignee ? f.assignee : undefined,
    assigned: f.unassigned ? ('false' as const) : undefined,
    breached: f.breached || undefined,
    source: (f.source || undefined) as Schemas['TicketSource'] | undefined,
    caseId: f.caseId || undefined,
    q: f.q || undefined,
    sort: (f.sort || 'due') as 'created' | 'due',
    cursor,
    limit,
  };
}

export function isFiltered(f: TicketFilter): boolean {
  return JSON.stringify({ ...f, sort: '' }) !== JSON.stringify(NO_FILTER);
}

function Checks<T extends string>({ legend, values, chosen, label, onChange, name }: {
  legend: string; values: readonly T[]; chosen: T[]; label: (v: T) => string; onChange: (next: T[]) => void; name: string;
}) {
  return (
    <fieldset class="filter ticket-checks">
      <legend>{legend}</legend>
      <div class="ticket-checks-list">
        {values.map((v) => (
          <label key={v} class="ticket-check">
            <input type="checkbox" name={name} value={v} checked={chosen.includes(v)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...chosen, v] : chosen.filter((c) => c !== v))} />
            {label(v)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function BreachedAndSource({ breached, source, onBreached, onSource }: { breached: string; source: string; onBreached: (e: Event) => void; onSource: (e: Event) => void }) {
  const { t } = useI18n();
  return (
    <>
      <div class="filter">
        <label for="tf-breached">{t('tickets.filter.breached')}</label>
        <select id="tf-breached" value={breached} onChange={onBreached}>
          <option value="">{t('tickets.filter.any')}</option>
          <option value="true">{t('tickets.filter.breached.true')}</option>
          <option value="false">{t('tickets.filter.breached.false')}</option>
        </select>
      </div>
      <div class="filter">
        <label for="tf-source">{t('tickets.filter.source')}</label>
        <select id="tf-source" value={source} onChange={onSource}>
          <option value="">{t('tickets.filter.any')}</option>
          {TICKET_SOURCES.map((s) => <option key={s} value={s}>{t(`tickets.source.${s}` as MessageKey)}</option>)}
        </select>
      </div>
    </>
  );
}

export function TicketFilters({ value, me, onApply }: { value: TicketFilter; me: string | undefined; onApply: (f: TicketFilter) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [JSON.stringify(value)]);
  const text = (k: 'counterpartCountry' | 'assignee' | 'breached' | 'source' | 'caseId' | 'q' | 'sort') => (e: Event) =>
    setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form class="filters ticket-filters" aria-label={t('tickets.filters')} onSubmit={(e) => { e.preventDefault(); onApply({ ...draft, assignee: draft.assignee.trim(), caseId: draft.caseId.trim(), q: draft.q.trim() }); }}>
      <div class="filter">
        <label for="tf-q">{t('tickets.filter.q')}</label>
        <input id="tf-q" type="search" value={draft.q} onInput={text('q')} size={20} maxLength={200} />
      </div>
      <Checks legend={t('tickets.filter.state')} name="state" values={TICKET_STATES} chosen={draft.state} label={(s) => stateLabel(t, s)} onChange={(state) => setDraft({ ...draft, state })} />
      <Checks legend={t('tickets.filter.priority')} name="priority" values={PRIORITIES} chosen={draft.priority} label={(p) => p} onChange={(priority) => setDraft({ ...draft, priority })} />
      <div class="filter">
        <label for="tf-country">{t('tickets.filter.country')}</label>
        <select id="tf-country" value={draft.counterpartCountry} onChange={text('counterpartCountry')}>
          <option value="">{t('tickets.filter.any')}</option>
          {COUNTRIES.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </div>
      <div class="filter">
        <label for="tf-assignee">{t('tickets.filter.assignee')}</label>
        <input id="tf-assignee" value={draft.unassigned ? '' : draft.assignee} onInput={text('assignee')} disabled={draft.unassigned} size={12} />
        <label class="ticket-check">
          <input type="checkbox" checked={draft.unassigned} onChange={(e) => setDraft({ ...draft, unassigned: e.currentTarget.checked })} />
          {t('tickets.filter.unassigned')}
        </label>
      </div>
      <BreachedAndSource breached={draft.breached} source={draft.source} onBreached={text('breached')} onSource={text('source')} />
      <div class="filter">
        <label for="tf-case">{t('tickets.filter.case')}</label>
        <input id="tf-case" value={draft.caseId} onInput={text('caseId')} size={10} />
      </div>
      <div class="filter">
        <label for="tf-sort">{t('tickets.filter.sort')}</label>
        <select id="tf-sort" value={draft.sort} onChange={text('sort')}>
          <option value="">{t('tickets.filter.sort.due')}</option>
          <option value="created">{t('tickets.filter.sort.created')}</option>
        </select>
      </div>
      <div class="filter filter-actions">
        <button type="submit" class="btn">{t('tickets.filter.apply')}</button>
        {me && <button type="button" class="btn btn-ghost" onClick={() => onApply({ ...NO_FILTER, assignee: me, sort: value.sort })}>{t('tickets.filter.mine')}</button>}
        {isFiltered(value) && <button type="button" class="btn btn-ghost" onClick={() => onApply({ ...NO_FILTER, sort: value.sort })}>{t('tickets.filter.clear')}</button>}
      </div>
    </form>
  );
}
