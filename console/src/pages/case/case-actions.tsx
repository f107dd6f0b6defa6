/** The case's four actions, each a dialog calling one endpoint; the page says where to go once it is done. */
import { api, ok } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { ForwardDialog, ReopenDialog, ReturnDialog } from './case-dialogs';
import { forwardFromTriage } from './forward-action';

export type ActionName = 'forward' | 'return' | 'reassign' | 'reopen';

export function CaseActionDialogs({ caseId, validAt, current, open, onClose, onLeave, onStay }: {
  caseId: string; validAt: string; current: string | null; open: ActionName | null; onClose: () => void;
  /** Done, and the case left the operator's hands (forwarded, returned): back to the queue with this message. */
  onLeave: (message: string) => void;
  /** Done, and the case is still the page's subject (re-assigned, reopened): this message, and read it again. */
  onStay: (message: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <ForwardDialog caseId={caseId} validAt={validAt} mode="forward" open={open === 'forward'} onClose={onClose}
        onSubmit={async (choice, note) => onLeave(await forwardFromTriage(t, caseId, choice, note))} />
      <ForwardDialog caseId={caseId} validAt={validAt} mode="reassign" current={current} open={open === 'reassign'} onClose={onClose}
        onSubmit={async (choice, note) => {
          await ok(api.POST('/api/cases/{caseId}/reassign', { params: { path: { caseId } }, body: { institutionId: choice.id, ...(note ? { note } : {}) } }));
          onStay(t('case.reassign.done', { caseId, institutionId: `${choice.name} (${choice.id})` }));
        }} />
      <ReturnDialog caseId={caseId} open={open === 'return'} onClose={onClose}
        onSubmit={async (reason) => {
          await ok(api.POST('/api/triage/{caseId}/return', { params: { path: { caseId } }, body: { reason } }));
          onLeave(t('case.return.done', { caseId }));
        }} />
      <ReopenDialog caseId={caseId} open={open === 'reopen'} onClose={onClose}
        onSubmit={async (note) => {
          await ok(api.POST('/api/cases/{caseId}/reopen', { params: { path: { caseId } }, body: note ? { note } : {} }));
          onStay(t('case.reopen.done', { caseId }));
        }} />
    </>
  );
}
