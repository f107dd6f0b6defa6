/**
 * The searchable directory of the forward and re-assign dialogs: GET /api/institutions?q=&validAt= offers only the
 * institutions valid on the Paris date of the case's legal receipt (the service checks it again when forwarding).
 * Keyboard: type to search, ↓ into the list, ↑/↓ to choose, Enter to confirm.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/status';
import { DESK_ZONE, useI18n } from '../../i18n/i18n';
import { useResource } from '../../hooks';

type Institution = Schemas['Institution'];
const SHOWN = 20;

/** The calendar date (YYYY-MM-DD) of an instant in the desk's zone. */
export function deskDate(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DESK_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

export function InstitutionPicker({ validAt, value, onChange, exclude }: { validAt: string; value: string; onChange: (id: string) => void; exclude?: string | null }) {
  const { t, date } = useI18n();
  const [q, setQ] = useState('');
  const [debounced, setDebounced] = useState('');
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(q.trim()), 200);
    return () => window.clearTimeout(timer);
  }, [q]);
  const found = useResource(() => ok(api.GET('/api/institutions', { params: { query: { q: debounced || undefined, validAt, limit: SHOWN + 1 } } })), [debounced, validAt]);
  const items = (found.data?.items ?? []).filter((i: Institution) => i.id !== exclude && i.id.startsWith('FR:'));
  const shown = items.slice(0, SHOWN);
  // ↓ from the search field lands on (and chooses) the first or current institution; the arrows then move the choice.
  const focusChoice = (index: number) => {
    const radios = list.current?.querySelectorAll<HTMLInputElement>('input[type=radio]');
    const radio = radios?.[Math.max(0, Math.min(index, radios.length - 1))];
    if (!radio) return;
    radio.focus();
    onChange(radio.value);
  };
  return (
    <div class="picker">
      <div class="field">
        <label for="picker-q">{t('case.forward.search')}</label>
        <input id="picker-q" type="search" value={q} autoFocus autocomplete="off" aria-describedby="picker-valid"
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => { if (e.key === 'ArrowDown') { e.preventDefault(); focusChoice(Math.max(0, shown.findIndex((i) => i.id === value))); } }} />
        <span class="hint" id="picker-valid">{t('case.forward.validAt', { date: date(`${validAt}T12:00:00Z`) })}</span>
      </div>
      {found.error !== undefined && <ErrorNotice error={found.error} />}
      <fieldset class="picker-list" aria-busy={found.loading}>
        <legend class="visually-hidden">{t('case.forward.results')}</legend>
        <div ref={list} role="presentation">
          {found.data && shown.length === 0 && <p class="muted">{t('case.forward.none')}</p>}
          {shown.map((i) => (
            <label key={i.id} class={i.id === value ? 'picker-item chosen' : 'picker-item'}>
              <input type="radio" name="institution" value={i.id} checked={i.id === value} onChange={() => onChange(i.id)}
                onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); (e.currentTarget as HTMLInputElement).form?.requestSubmit(); } }} />
              <span class="picker-name">{i.name}</span>
              <span class="picker-meta"><code>{i.id}</code>{i.acronym && <> · {i.acronym}</>}{i.networks.length > 0 && <> · {i.networks.join(', ')}</>}</span>
            </label>
          ))}
          {items.length > SHOWN && <p class="muted">{t('case.forward.more', { n: SHOWN })}</p>}
        </div>
      </fieldset>
    </div>
  );
}
