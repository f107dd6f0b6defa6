/** Adding a note to the case (POST /api/cases/:caseId/notes); it shows in the history. */
import { useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { ErrorNotice, Notice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';

export function CaseNote({ caseId, onSaved }: { caseId: string; onSaved: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!note.trim()) return;
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      await ok(api.POST('/api/cases/{caseId}/notes', { params: { path: { caseId } }, body: { note: note.trim() } }));
      setNote('');
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel note-form" onSubmit={submit}>
      <div class="panel-body">
        <div class="field">
          <label for="case-note">{t('case.note.label')}</label>
          <textarea id="case-note" rows={2} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        {error !== undefined && <ErrorNotice error={error} />}
        {saved && <Notice kind="success">{t('case.note.saved')}</Notice>}
        <button type="submit" class="btn btn-small" disabled={busy || !note.trim()}>{t('case.action.note')}</button>
      </div>
    </form>
  );
}
