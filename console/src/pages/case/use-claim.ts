/**
 * Opening a case in triage claims it for the operator (POST /api/triage/:caseId/claim), renewed while the page is
 * open; leaving the page releases it (DELETE, also sent when the tab closes). When another operator holds it,
 * the answer 409 TRI_CLAIMED says who and until when: the page shows it and offers no action.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, sendOnLeave, type Schemas } from '../../api/client';

type Claim = Schemas['Claim'];
export type ClaimState = { state: 'none' } | { state: 'pending' } | { state: 'mine'; claim: Claim } | { state: 'other'; claim: Claim } | { state: 'error'; error: unknown };

const RENEW_MS = 120_000;

export function useClaim(caseId: string, inTriage: boolean): { claim: ClaimState; retry: () => void } {
  const [claim, setClaim] = useState<ClaimState>({ state: inTriage ? 'pending' : 'none' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!inTriage) {
      setClaim({ state: 'none' });
      return;
    }
    let live = true;
    let held = false;
    const take = async () => {
      try {
        const r = await ok(api.POST('/api/triage/{caseId}/claim', { params: { path: { caseId } } }));
        held = true;
        if (live) setClaim({ state: 'mine', claim: r.claim });
      } catch (e) {
        const other = e instanceof ApiError && e.code === 'TRI_CLAIMED' ? (e.body as { claim?: Claim }).claim : undefined;
        if (live) setClaim(other ? { state: 'other', claim: other } : { state: 'error', error: e });
      }
    };
    void take();
    const timer = window.setInterval(() => void take(), RENEW_MS);
    const path = `/api/triage/${encodeURIComponent(caseId)}/claim`;
    const leave = () => {
      if (held) sendOnLeave('DELETE', path);
      held = false;
    };
    window.addEventListener('pagehide', leave);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, [caseId, inTriage, attempt]);
  return { claim, retry: () => setAttempt((n) => n + 1) };
}
