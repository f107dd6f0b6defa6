/**
 * Acting on a ticket (POST /api/tickets/:id/actions, docs/contract.md §5): the actions the ticket's state allows, as
 * the service lists them in `allowedActions`, with what each takes (the party of a wait, the new priority, the
 * assignee) and an optional message, internal or external. The preselected visibility is the one the API would
 * choose by default (external for a response, a resolution, a reopening and a question to the counterpart); the
 * person's choice is always sent. The service's refusal (409 state changed meanwhile, 422 body) shows in the form;
 * after a 409 the ticket is read again, the message typed is kept.
 */
import { useState } from 'preact/hooks';
import { useSessionDraft } from '../../components/session-draft';
import { ApiError, api, ok, type Schemas } from '../../api/client';
import { ErrorNotice, Notice } from '../../components/status';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useSession } from '../../session';
import { PRIORITIES, WAIT_PARTIES, partyLabel, priorityLabel, type ActionName, type Priority, type WaitParty } from './ticket-labels';

type Ticket = Schemas['Ticket'];
type Visibility = 'internal' | 'external';

/** The action offered first when the ticket allows it: resuming a wait, else answering, else a note. */
const PREFERRED: ActionName[] = ['resume', 'respond', 'comment', 'reopen'];

function defaultVisibility(action: ActionName, on: WaitParty): Visibility {
  if (action === 'wait') return on === 'counterpart' ? 'external' : 'internal';
  return action === 'respond' || action === 'resolve' || action === 'reopen' ? 'external' : 'internal';
}

function firstChoice(allowed: readonly ActionName[]): ActionName | '' {
  return PREFERRED.find((a) => allowed.includes(a)) ?? allowed[0] ?? '';
}

interface Draft {
  /** The ticket's state the draft was made for (`offerKey`): a new state offers other actions. */
  madeFor: string;
  action: ActionName | '';
  on: WaitParty;
  priority: Priority;
  assignee: string;
  unassign: boolean;
  message: string;
  visibility: Visibility;
}

function bodyOf(d: Draft): Schemas['TicketAction'] {
  const message = d.message.trim();
  const said = message ? { message, visibility: d.visibility } : {};
  const action = d.action as ActionName;
  if (action === 'wait') return { action, on: d.on, ...said };
  if (action === 'priority') return { action, priority: d.priority, ...said };
  if (action === 'assign') return { action, assignee: d.unassign ? null : d.assignee.trim(), ...said };
  return { action, ...said };
}

/** What decides the actions and defaults the form offers. */
function offerKey(ticket: Ticket): string {
  return [ticket.state, ticket.priority, ticket.assignee ?? '', ticket.allowedActions.join()].join('|');
}

function initial(ticket: Ticket, me: string): Draft {
  const action = firstChoice(ticket.allowedActions);
  const on = WAIT_PARTIES.find((p) => ticket.state !== `waiting-${p}`) ?? 'counterpart';
  return {
    madeFor: offerKey(ticket), action, on, priority: PRIORITIES.find((p) => p !== ticket.priority) ?? 'P1', assignee: ticket.assignee ?? me, unassign: false,
    message: '', visibility: action ? defaultVisibility(action, on) : 'internal',
  };
}

function ActionDetails({ ticket, draft, set, me }: { ticket: Ticket; draft: Draft; set: (d: Partial<Draft>) => void; me: string }) {
  const { t } = useI18n();
  if (draft.action === 'wait') {
    return (
      <div class="field">
        <label for="ta-on">{t('ticket.form.on')}</label>
        <select id="ta-on" value={draft.on} onChange={(e) => { const on = e.currentTarget.value as WaitParty; set({ on, visibility: defaultVisibility('wait', on) }); }}>
          {WAIT_PARTIES.filter((p) => ticket.state !== `waiting-${p}`).map((p) => <option key={p} value={p}>{partyLabel(t, p)}</option>)}
        </select>
      </div>
    );
  }
  if (draft.action === 'priority') {
    return (
      <div class="field">
        <label for="ta-priority">{t('ticket.form.priority')}</label>
        <select id="ta-priority" value={draft.priority} onChange={(e) => set({ priority: e.currentTarget.value as Priority })}>
          {PRIORITIES.filter((p) => p !== ticket.priority).map((p) => <option key={p} value={p}>{priorityLabel(t, p)}</option>)}
        </select>
      </div>
    );
  }
  if (draft.action === 'assign') {
    return (
      <div class="field">
        <label for="ta-assignee">{t('ticket.form.assignee')}</label>
        <div class="inline-form">
          <input id="ta-assignee" value={draft.assignee} onInput={(e) => set({ assignee: e.currentTarget.value })} disabled={draft.unassign}
            required={!draft.unassign} maxLength={100} />
          <button type="button" class="btn btn-small" onClick={() => set({ assignee: me, unassign: false })}>{t('ticket.form.toMe')}</button>
          {ticket.assignee && (
            <label class="ticket-check">
              <input type="checkbox" checked={draft.unassign} onChange={(e) => set({ unassign: e.currentTarget.checked })} />
              {t('ticket.form.unassign')}
            </label>
          )}
        </div>
      </div>
    );
  }
  return null;
}

/** The message of an action (required with a comment) and who may read it. */
function MessageFields({ draft, set }: { draft: Draft; set: (d: Partial<Draft>) => void }) {
  const { t } = useI18n();
  const required = draft.action === 'comment' || draft.action === 'respond';
  return (
    <>
      <div class="field">
        <label for="ta-message">{draft.action === 'respond' ? t('ticket.form.response') : required ? t('ticket.form.comment') : t('ticket.form.message')}</label>
        <textarea id="ta-message" rows={3} value={draft.message} required={required} maxLength={20000}
          onInput={(e) => set({ message: e.currentTarget.value })} />
      </div>
      <fieldset class="field radios ticket-visibility">
        <legend class="label">{t('ticket.form.visibility')}</legend>
        {(['internal', 'external'] as const).map((v) => (
          <label key={v}>
            <input type="radio" name="ticket-visibility" value={v} checked={draft.visibility === v} onChange={() => set({ visibility: v })} />
            {t(`ticket.visibility.${v}.long` as MessageKey)}
          </label>
        ))}
      </fieldset>
    </>
  );
}

/** The actions the ticket's state allows, one to choose. */
function ActionChoice({ allowed, chosen, onChoose }: { allowed: ActionName[]; chosen: Draft['action']; onChoose: (a: ActionName) => void }) {
  const { t } = useI18n();
  return (
    <fieldset class="ticket-action-choice">
      <legend class="label">{t('ticket.form.action')}</legend>
      {allowed.map((a) => (
        <label key={a} class={chosen === a ? 'chip chip-on' : 'chip'}>
          <input type="radio" name="ticket-action" value={a} checked={chosen === a} onChange={() => onChoose(a)} />
          {t(`ticket.action.${a}` as MessageKey)}
        </label>
      ))}
    </fieldset>
  );
}

/** `onChanged` after an action, and when the service refused one because the ticket changed meanwhile (409). */
export function TicketActions({ ticket, onChanged }: { ticket: Ticket; onChanged: () => Promise<unknown> }) {
  const { t } = useI18n();
  const { session } = useSession();
  const me = session?.username ?? '';
  // Kept for the tab (sessionStorage): a session that ends mid-action finds the choice and the message again after
  // the login; cleared once the action is done and at logout.
  const [stored, setDraft] = useSessionDraft<Draft>(`ticket-action:${ticket.id}`, () => initial(ticket, me));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<ActionName | null>(null);
  // A new state offers other actions: the form starts again from what it allows (the message typed is kept). This
  // is derived while rendering, not reset by an effect after it, so a choice made once the new state shows stays.
  const key = offerKey(ticket);
  const current = (d: Draft): Draft => (d.madeFor === key ? d : { ...initial(ticket, me), message: d.message });
  const draft = current(stored);
  const set = (d: Partial<Draft>) => setDraft((prev) => ({ ...current(prev), ...d }));
  const choose = (action: ActionName) => set({ action, visibility: defaultVisibility(action, draft.on) });

  if (ticket.allowedActions.length === 0) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!draft.action) return;
    // A response is what the requester is told: without a message it would stop the clock and say nothing.
    if (draft.action === 'respond' && draft.message.trim() === '') {
      setError(new Error(t('ticket.form.responseRequired')));
      return;
    }
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      await ok(api.POST('/api/tickets/{id}/actions', { params: { path: { id: ticket.id } }, body: bodyOf(draft) }));
      setDraft((d) => ({ ...d, message: '' }), { clear: true });
      // The confirmation shows with the ticket as the action left it, not before (the form stays busy meanwhile).
      await onChanged();
      setDone(draft.action);
    } catch (err) {
      setError(err);
      // Someone else acted first: read the ticket again so the form offers what its state allows now.
      if (err instanceof ApiError && err.status === 409) await onChanged();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel ticket-actions" aria-labelledby="actions-title" onSubmit={submit}>
      <header class="panel-header"><h2 id="actions-title">{t('ticket.actions')}</h2></header>
      <div class="panel-body">
        <ActionChoice allowed={ticket.allowedActions} chosen={draft.action} onChoose={choose} />
        <ActionDetails ticket={ticket} draft={draft} set={set} me={me} />
        <MessageFields draft={draft} set={set} />
        {error !== undefined && <ErrorNotice error={error} />}
        {done && <Notice kind="success">{t('ticket.done', { action: t(`ticket.action.${done}` as MessageKey) })}</Notice>}
        <button type="submit" class="btn btn-primary" disabled={busy || !draft.action}>
          {draft.action ? t(`ticket.do.${draft.action}` as MessageKey) : t('ticket.form.action')}
        </button>
      </div>
    </form>
  );
}
