/**
 * Whether the person used the page lately. Background calls (queue refresh, claim renewal) run only then: a
 * console left open on an empty desk must not keep its session alive past the idle expiry, nor hold a claim.
 */
let last = Date.now();
for (const type of ['keydown', 'pointerdown', 'wheel', 'focusin']) {
  window.addEventListener(type, () => { last = Date.now(); }, { passive: true, capture: true });
}

/** Ten minutes: shorter than the session's idle expiry, longer than reading a case. */
export const ACTIVE_WINDOW_MS = 10 * 60_000;

export function recentlyActive(windowMs = ACTIVE_WINDOW_MS): boolean {
  return !document.hidden && Date.now() - last < windowMs;
}
