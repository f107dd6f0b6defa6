/**
 * One problem of a service error (`details[]`: path, English message, and when it has one a stable `code` with
 * `params`) in the console's language (issue #20: French everywhere). The code is a JSON Schema keyword (ajv's:
 * `required`, `type`, `enum`…, from the quarantine's schema checks and the request validation alike) or a named
 * check of the service (`countryPrefix`, `tooLarge`…); each has a catalogue entry with its params. A keyword the
 * catalogue does not know is said generically with its name; a detail without code (stored before codes existed)
 * keeps the service's English sentence, marked as English.
 */
import { fr } from './fr';
import type { MessageKey, Translate } from './i18n';

export interface Problem {
  path: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

const known = (key: string): key is MessageKey => key in fr;

/** A parameter that names a kind or a format ("string", "date-time") in words of the catalogue; others as they are. */
function word(t: Translate, prefix: 'problem.kind.' | 'problem.formatName.', value: string | number | undefined): string | number {
  if (value === undefined) return '';
  const key = `${prefix}${String(value)}`;
  return known(key) ? t(key) : value;
}

/** The problem in the catalogue's language, or undefined when it has no code (the caller shows `message`). */
export function problemText(t: Translate, d: Problem): string | undefined {
  if (!d.code) return undefined;
  const p = d.params ?? {};
  const params: Record<string, string | number> = {
    ...p,
    ...(p.type !== undefined && { type: word(t, 'problem.kind.', p.type) }),
    ...(p.value !== undefined && { value: word(t, 'problem.kind.', p.value) }),
    ...(p.format !== undefined && { format: word(t, 'problem.formatName.', p.format) }),
    code: d.code,
  };
  const key = `problem.${d.code}`;
  let text = t(known(key) ? key : 'problem.other', params);
  if (p.propertyName !== undefined) text = t('problem.propertyName', { propertyName: p.propertyName, problem: text });
  if (p.hint !== undefined && known(`problem.hint.${p.hint}`)) text = `${text} ; ${t(`problem.hint.${p.hint}` as MessageKey)}`;
  return text;
}
