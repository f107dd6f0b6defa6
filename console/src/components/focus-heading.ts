/**
 * After a navigation, focus goes to the new page's heading (issue #20) — also when the page shows its heading only
 * once its data arrived (a case page first shows "Chargement…"): it waits for the heading up to a few seconds,
 * and gives up if the person already moved focus somewhere (a field, a dialog) or navigated again.
 */
let generation = 0;

export function focusPageHeading(timeoutMs = 5000): void {
  const mine = ++generation;
  const started = performance.now();
  const start = document.activeElement;
  const attempt = () => {
    if (mine !== generation) return;
    const moved = document.activeElement !== start && document.activeElement !== document.body && document.activeElement !== null;
    if (moved || document.querySelector('dialog[open]') || document.activeElement instanceof HTMLInputElement) return;
    const h = document.getElementById('page-title');
    if (h) {
      h.focus({ preventScroll: false });
      return;
    }
    if (performance.now() - started < timeoutMs) window.requestAnimationFrame(attempt);
  };
  attempt();
}
