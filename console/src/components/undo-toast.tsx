/**
 * The undo window of a forward (issue #20), as mail clients offer it: after an operator forwards a case from
 * triage, the service holds the forward until `releaseAt`; this bar says where the case went and offers
 * "Annuler" until then, on whatever page the operator moved on to. Mounted once by the layout.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { navigate, href } from '../router';
import { ErrorNotice } from './status';

interface PendingUndo {
  caseId: string;
  institutionName: string;
  releaseAt: string;
}

let current: PendingUndo | null = null;
const listeners = new Set<(u: PendingUndo | null) => void>();

/** Offers the undo of this forward until its release time (replaces an earlier offer). */
export function offerUndo(u: PendingUndo | null): void {
  current = u;
  for (const l of listeners) l(u);
}

export function UndoToast() {
  const { t } = useI18n();
  const [offer, setOffer] = useState<PendingUndo | null>(current);
  const [now, setNow] = useState(() => Date.now());
  const [state, setState] = useState<{ busy: boolean; error?: unknown; done?: string }>({ busy: false });
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const l = (u: PendingUndo | null) => { setOffer(u); setState({ busy: false }); };
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, []);
  useEffect(() => {
    if (!offer) return;
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [offer]);
  if (state.done) {
    return <div class="undo-toast" role="status"><span>{state.done}</span>
      <button type="button" class="btn btn-small" onClick={() => setState({ busy: false })}>{t('app.close')}</button></div>;
  }
  if (!offer) return null;
  const left = Math.ceil((new Date(offer.releaseAt).getTime() - now) / 1000);
  if (left <= 0 && !state.busy) return null;
  const undo = async () => {
    setState({ busy: true });
    try {
      await ok(api.POST('/api/triage/{caseId}/undo', { params: { path: { caseId: offer.caseId } } }));
      offerUndo(null);
      setState({ busy: false, done: t('undo.done', { caseId: offer.caseId }) });
      navigate(href('/cases/:caseId', { caseId: offer.caseId }));
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <div class="undo-toast" role="status" aria-live="polite">
      <span>{t('undo.sent', { caseId: offer.caseId, name: offer.institutionName })}</span>{' '}
      <span class="hint">{t('undo.left', { n: Math.max(0, left) })}</span>{' '}
      <button type="button" ref={button} class="btn btn-small" disabled={state.busy} onClick={() => void undo()}>{t('undo.action')}</button>
      {state.error !== undefined && <ErrorNotice error={state.error} />}
    </div>
  );
}
