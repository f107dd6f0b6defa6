/**
 * A modal dialog on the native <dialog>: the browser traps focus, Escape closes it, and focus goes back to
 * where it was when it closes.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

export function Dialog({ title, open, onClose, children, id }: { title: string; open: boolean; onClose: () => void; children: ComponentChildren; id: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={`${id}-title`} onClose={onClose} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <header class="dialog-header">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={onClose} aria-label={t('app.close')}>×</button>
      </header>
      {open && <div class="dialog-body">{children}</div>}
    </dialog>
  );
}
