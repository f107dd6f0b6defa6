/**
 * The searchable directory of the forward and re-assign dialogs: GET /api/institutions?q=&validAt= offers only the
 * institutions valid on the Paris date of the case's legal receipt (the service checks it again when forwarding).
 *
 * What is checked is what is sent (issue #20): the chosen institution is pinned above the results, checked, for as
 * long as it is chosen, whatever the search shows; the results of a search still being typed or loaded are stale,
 * so the list is busy and ignores the keys and clicks that would choose from it; focus never falls to <body> when
 * the list changes under it. With no search, the picker opens on the case's own candidates (its French references,
 * the funds of its département, the suggestions), with their names.
 * Keyboard: type to search, ↓ into the list, ↑/↓ to choose, Enter to go on.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/status';
import { DESK_ZONE, useI18n, type MessageKey } from '../../i18n/i18n';
import { useResource } from '../../hooks';

/** What the picker shows and hands back: an institution with its name, never a bare id. */
export interface Choice {
  id: string;
  name: string;
  acronym: string;
  networks?: string[];
  /** Why the case's candidates offer it (reference, residence, suggestion). */
  why?: string[];
}

const SHOWN = 20;
const SEARCH_DEBOUNCE_MS = 200;

/** The calendar date (YYYY-MM-DD) of an instant in the desk's zone. */
export function deskDate(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DESK_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** "CPAM — Rhône" for "Caisse primaire d’assurance maladie — Rhône"; else the name. */
export function shortName(c: Pick<Choice, 'name' | 'acronym'>): string {
  const parts = c.name.split(' — ');
  return parts.length > 1 && c.acronym ? `${c.acronym} — ${parts.slice(1).join(' — ')}` : c.name;
}

const fromInstitution = (i: Schemas['Institution']): Choice => ({ id: i.id, name: i.name, acronym: i.acronym, networks: i.networks });

function useResults(q: string, validAt: string, caseId: string | undefined) {
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(q.trim()), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [q]);
  const found = useResource(async (): Promise<{ query: string; items: Choice[]; more: boolean }> => {
    if (!debounced && caseId) {
      const c = await ok(api.GET('/api/triage/{caseId}/candidates', { params: { path: { caseId } } }));
      if (c.items.length > 0) return { query: '', items: c.items.map((i) => ({ id: i.institutionId, name: i.name, acronym: i.acronym, why: i.why })), more: false };
    }
    const page = await ok(api.GET('/api/institutions', { params: { query: { q: debounced || undefined, validAt, limit: SHOWN + 1 } } }));
    // Only institutions the service says may receive the case (French, not the liaison body, valid at validAt).
    return { query: debounced, items: page.items.filter((i) => i.receivesCases.allowed).map(fromInstitution), more: page.items.length > SHOWN };
  }, [debounced, validAt, caseId]);
  // Stale: the field says something the list does not answer yet (typing, debounce, loading).
  const busy = found.loading || q.trim() !== debounced || (found.data !== undefined && found.data.query !== debounced);
  return { found, busy };
}

/** One institution as a radio; a click on a busy (stale) list is undone, never a choice. */
function PickerItem({ c, checked, busy, onPick, onKey }: { c: Choice; checked: boolean; busy: boolean; onPick: (c: Choice) => void; onKey: (e: KeyboardEvent) => void }) {
  const { t } = useI18n();
  return (
    <label class={checked ? 'picker-item chosen' : 'picker-item'}>
      <input type="radio" name="institution" value={c.id} checked={checked} data-name={c.name}
        onClick={(e) => { if (busy) e.preventDefault(); }} onChange={() => onPick(c)} onKeyDown={onKey} />
      <span class="picker-name">{c.name}</span>
      <span class="picker-meta"><code>{c.id}</code>{c.acronym && <> · {c.acronym}</>}{c.networks && c.networks.length > 0 && <> · {c.networks.join(', ')}</>}
        {c.why && c.why.length > 0 && <> · {c.why.map((w) => t(`case.picker.why.${w}` as MessageKey)).join(', ')}</>}</span>
    </label>
  );
}

// long-function: one component, its keyboard handlers beside the list they move through.
export function InstitutionPicker({ validAt, value, onChange, exclude, caseId }: {
  validAt: string; value: Choice | null; onChange: (c: Choice | null) => void; exclude?: string | null; caseId?: string;
}) {
  const { t, date } = useI18n();
  const [q, setQ] = useState('');
  const { found, busy } = useResults(q, validAt, caseId);
  const box = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const hadFocus = useRef(false);
  const results = (found.data?.items ?? []).filter((i) => i.id !== exclude).slice(0, SHOWN);
  // The choice stays in place while the results show it; once they do not, it is pinned above them, checked.
  const pinned = value && !results.some((i) => i.id === value.id) ? value : null;
  const order = pinned ? [pinned, ...results] : results;

  // Whatever re-rendered the list, focus stays in the picker: the chosen radio if any, else the search field.
  useLayoutEffect(() => {
    if (!hadFocus.current || box.current?.contains(document.activeElement)) return;
    const checked = box.current?.querySelector<HTMLInputElement>('input[type=radio]:checked');
    (checked ?? input.current)?.focus();
  });

  const pick = (c: Choice) => {
    if (busy) return; // a stale list never chooses
    onChange(c);
  };
  const move = (index: number) => {
    if (busy || order.length === 0) return;
    const next = order[Math.max(0, Math.min(index, order.length - 1))];
    if (!next) return;
    onChange(next);
    window.requestAnimationFrame(() => box.current?.querySelector<HTMLInputElement>(`input[type=radio][value="${CSS.escape(next.id)}"]`)?.focus());
  };
  const onRadioKey = (e: KeyboardEvent) => {
    const at = order.findIndex((c) => c.id === value?.id);
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') { e.preventDefault(); move(at + 1); }
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') {
      e.preventDefault();
      if (at <= 0) input.current?.focus(); else move(at - 1);
    } else if (e.key === 'Enter') { e.preventDefault(); if (!busy) (e.currentTarget as HTMLInputElement).form?.requestSubmit(); }
    else if (e.key === ' ') e.preventDefault();
  };
  return (
    <div class="picker" ref={box} onFocusIn={() => { hadFocus.current = true; }}>
      <div class="field">
        <label for="picker-q">{t('case.forward.search')}</label>
        <input id="picker-q" ref={input} type="search" value={q} autoFocus autocomplete="off" aria-describedby="picker-valid" aria-controls="picker-list"
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') { e.preventDefault(); move(Math.max(0, order.findIndex((c) => c.id === value?.id))); }
            else if (e.key === 'Enter' && (busy || !value)) e.preventDefault();
          }} />
        <span class="hint" id="picker-valid">{t('case.forward.validAt', { date: date(`${validAt}T12:00:00Z`) })}</span>
      </div>
      {found.error !== undefined && <ErrorNotice error={found.error} />}
      <fieldset class="picker-list" id="picker-list" aria-busy={busy} data-busy={busy ? 'true' : 'false'}>
        <legend class="visually-hidden">{t('case.forward.results')}</legend>
        {pinned && (
          <div class="picker-pinned">
            <p class="picker-caption">{t('case.picker.pinned')}</p>
            <PickerItem c={pinned} checked busy={busy} onPick={pick} onKey={onRadioKey} />
          </div>
        )}
        <div role="presentation" class={busy ? 'picker-results stale' : 'picker-results'}>
          {!q.trim() && found.data?.items.some((i) => i.why) && <p class="picker-caption">{t('case.picker.candidates')}</p>}
          {found.data && !busy && results.length === 0 && <p class="muted">{t('case.forward.none')}</p>}
          {busy && <p class="visually-hidden" role="status">{t('case.picker.busy')}</p>}
          {results.map((c) => <PickerItem key={c.id} c={c} checked={c.id === value?.id} busy={busy} onPick={pick} onKey={onRadioKey} />)}
          {found.data?.more && <p class="muted">{t('case.forward.more', { n: SHOWN })}</p>}
        </div>
      </fieldset>
      {value && <p class="hint"><button type="button" class="btn btn-ghost btn-small" onClick={() => { onChange(null); input.current?.focus(); }}>{t('case.picker.clear')}</button></p>}
    </div>
  );
}
