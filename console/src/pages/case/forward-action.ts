/** An operator's forward from triage (dialog or suggestion): the call, then the undo offer while the service holds it. */
import { api, ok } from '../../api/client';
import { offerUndo } from '../../components/undo-toast';
import type { Translate } from '../../i18n/i18n';
import { shortName, type Choice } from './institution-picker';

/** Forwards the case to the chosen institution; answers the message to show (naming the institution). */
export async function forwardFromTriage(t: Translate, caseId: string, choice: Choice, note = ''): Promise<string> {
  const r = await ok(api.POST('/api/triage/{caseId}/assign', { params: { path: { caseId } }, body: { institutionId: choice.id, ...(note ? { note } : {}) } }));
  const name = shortName(choice);
  if (r.releaseAt) offerUndo({ caseId, institutionName: name, releaseAt: r.releaseAt });
  return t('case.forward.doneName', { caseId, name, institutionId: choice.id });
}
