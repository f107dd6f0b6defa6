/** A short coloured label. The colour always repeats what the text says (never colour alone). */
import type { ComponentChildren } from 'preact';

export type Tone = 'neutral' | 'info' | 'ok' | 'warn' | 'danger' | 'muted';

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ComponentChildren; title?: string }) {
  return <span class={`badge badge-${tone}`} title={title}>{children}</span>;
}
