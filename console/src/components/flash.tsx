/** A message that survives one navigation ("Case 4410023 forwarded to …" shown on the queue after the action). */
import { useState } from 'preact/hooks';
import { Notice } from './status';

let pending: string | null = null;

export function flash(message: string): void {
  pending = message;
}

export function Flash() {
  const [message] = useState(() => {
    const m = pending;
    pending = null;
    return m;
  });
  return message ? <Notice kind="success">{message}</Notice> : null;
}
