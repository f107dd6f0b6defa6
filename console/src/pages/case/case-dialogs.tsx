/** The case's actions as dialogs: forward / re-assign (directory), return (reason), reopen (note). */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Dialog } from '../../components/dialog';
import { useI18n } from '../../i18n/i18n';
import { InstitutionPicker, shortName, type Choice } from './institution-picker';
import { ActionError } from './stale-case';

interface ActionProps {
  caseId: string;
  open: boolean;
  onClose: () => void;
}

/** Runs the action, keeps the dialog open with the service's message when it refuses. */
function useSubmit(run: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

/**
 * Forward / re-assign: the button names the institution checked in the picker ("Transférer à CPAM — Rhône"), and
 * a confirmation step names it again in full with its id before anything is sent; what is sent is that choice.
 */
export function ForwardDialog({ caseId, open, onClose, validAt, mode, current, onSubmit }: ActionProps & {
  validAt: string; mode: 'forward' | 'reassign'; current?: string | null; onSubmit: (institution: Choice, note: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [choice, setChoice] = useState<Choice | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    if (choice) await onSubmit(choice, note.trim());
  });
  // Choosing, then confirming, happen here without a round trip (the button never goes disabled under focus);
  // only the confirmed choice is sent, once: a second Enter or click while it is sent is ignored.
  const onFormSubmit = (e: Event) => {
    e.preventDefault();
    if (!choice) setMissing(true);
    else if (!confirming) setConfirming(true);
    else if (!busy) void submit(e);
  };
  const confirmButton = useRef<HTMLButtonElement>(null);
  // The picker leaves the form when the confirmation shows: focus goes to the confirming button, not to <body>.
  useLayoutEffect(() => { if (confirming) confirmButton.current?.focus(); }, [confirming]);
  const reassign = mode === 'reassign';
  const submitLabel = choice ? t(reassign ? 'case.reassign.submitTo' : 'case.forward.submitTo', { name: shortName(choice) }) : t(reassign ? 'case.reassign.submit' : 'case.forward.submit');
  return (
    <Dialog id={mode} open={open} onClose={onClose} title={t(reassign ? 'case.reassign.title' : 'case.forward.title', { caseId })}>
      <form onSubmit={onFormSubmit}>
        {confirming && choice ? (
          <ForwardConfirmation caseId={caseId} choice={choice} note={note.trim()} reassign={reassign} />
        ) : (
          <>
            <InstitutionPicker validAt={validAt} value={choice} exclude={current} caseId={reassign ? undefined : caseId} onChange={(c) => { setChoice(c); setMissing(false); }} />
            <div class="field">
              <label for="forward-note">{t(reassign ? 'case.reassign.note' : 'case.forward.note')}</label>
              <textarea id="forward-note" value={note} rows={2} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
            </div>
          </>
        )}
        {missing && <p class="notice notice-warning" role="alert">{t('case.forward.choose')}</p>}
        {error !== undefined && <ActionError error={error} />}
        <div class="dialog-actions">
          {confirming
            ? <button type="button" class="btn" onClick={() => setConfirming(false)}>{t('case.forward.change')}</button>
            : <button type="button" class="btn" onClick={onClose}>{t('app.cancel')}</button>}
          <button type="submit" ref={confirmButton} class="btn btn-primary" aria-disabled={busy} data-institution={choice?.id ?? ''}>
            {busy ? t('case.working') : confirming ? t(reassign ? 'case.reassign.confirm' : 'case.forward.confirm') : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ForwardConfirmation({ caseId, choice, note, reassign }: { caseId: string; choice: Choice; note: string; reassign: boolean }) {
  const { t } = useI18n();
  return (
    <div class="confirm" role="group" aria-labelledby="forward-confirm-title">
      <p id="forward-confirm-title"><strong>{t(reassign ? 'case.reassign.confirmQuestion' : 'case.forward.confirmQuestion', { caseId })}</strong></p>
      <p class="confirm-target"><span class="picker-name">{choice.name}</span> <code>{choice.id}</code></p>
      {note && <p class="hint">{t('case.forward.confirmNote', { note })}</p>}
      {!reassign && <p class="hint">{t('case.forward.undoHint')}</p>}
    </div>
  );
}

export function ReturnDialog({ caseId, open, onClose, onSubmit }: ActionProps & { onSubmit: (reason: string) => Promise<void> }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<'notFrance' | 'cannot'>('notFrance');
  const [details, setDetails] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const label = t(kind === 'notFrance' ? 'case.return.kind.notFrance' : 'case.return.kind.cannot');
    await onSubmit(details.trim() ? `${label} : ${details.trim()}` : label);
  });
  return (
    <Dialog id="return" open={open} onClose={onClose} title={t('case.return.title', { caseId })}>
      <form onSubmit={submit}>
        <fieldset class="field radios">
          <legend class="label">{t('case.return.kind')}</legend>
          <label><input type="radio" name="return-kind" checked={kind === 'notFrance'} onChange={() => setKind('notFrance')} autoFocus /> {t('case.return.kind.notFrance')}</label>
          <label><input type="radio" name="return-kind" checked={kind === 'cannot'} onChange={() => setKind('cannot')} /> {t('case.return.kind.cannot')}</label>
        </fieldset>
        <div class="field">
          <label for="return-details">{t('case.return.details')}</label>
          <textarea id="return-details" value={details} rows={3} onInput={(e) => setDetails((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        {error !== undefined && <ActionError error={error} />}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>{t('app.cancel')}</button>
          <button type="submit" class="btn btn-danger" disabled={busy}>{busy ? t('case.working') : t('case.return.submit')}</button>
        </div>
      </form>
    </Dialog>
  );
}

export function ReopenDialog({ caseId, open, onClose, onSubmit }: ActionProps & { onSubmit: (note: string) => Promise<void> }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const { busy, error, submit } = useSubmit(() => onSubmit(note.trim()));
  return (
    <Dialog id="reopen" open={open} onClose={onClose} title={t('case.reopen.title', { caseId })}>
      <form onSubmit={submit}>
        <div class="field">
          <label for="reopen-note">{t('case.reopen.note')}</label>
          <textarea id="reopen-note" value={note} rows={3} autoFocus onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        {error !== undefined && <ActionError error={error} />}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>{t('app.cancel')}</button>
          <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? t('case.working') : t('case.reopen.submit')}</button>
        </div>
      </form>
    </Dialog>
  );
}
