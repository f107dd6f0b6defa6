/** The case's actions as dialogs: forward / re-assign (directory), return (reason), reopen (note). */
import { useState } from 'preact/hooks';
import { Dialog } from '../../components/dialog';
import { ErrorNotice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';
import { InstitutionPicker } from './institution-picker';

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

export function ForwardDialog({ caseId, open, onClose, validAt, mode, current, onSubmit }: ActionProps & {
  validAt: string; mode: 'forward' | 'reassign'; current?: string | null; onSubmit: (institutionId: string, note: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [institutionId, setInstitutionId] = useState('');
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    if (!institutionId) {
      setMissing(true);
      return;
    }
    await onSubmit(institutionId, note.trim());
  });
  const reassign = mode === 'reassign';
  return (
    <Dialog id={mode} open={open} onClose={onClose} title={t(reassign ? 'case.reassign.title' : 'case.forward.title', { caseId })}>
      <form onSubmit={submit}>
        <InstitutionPicker validAt={validAt} value={institutionId} exclude={current} onChange={(id) => { setInstitutionId(id); setMissing(false); }} />
        <div class="field">
          <label for="forward-note">{t(reassign ? 'case.reassign.note' : 'case.forward.note')}</label>
          <textarea id="forward-note" value={note} rows={2} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        {missing && <p class="notice notice-warning" role="alert">{t('case.forward.choose')}</p>}
        {error !== undefined && <ErrorNotice error={error} />}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>{t('app.cancel')}</button>
          <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? t('case.working') : t(reassign ? 'case.reassign.submit' : 'case.forward.submit')}</button>
        </div>
      </form>
    </Dialog>
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
        {error !== undefined && <ErrorNotice error={error} />}
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
        {error !== undefined && <ErrorNotice error={error} />}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose}>{t('app.cancel')}</button>
          <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? t('case.working') : t('case.reopen.submit')}</button>
        </div>
      </form>
    </Dialog>
  );
}
