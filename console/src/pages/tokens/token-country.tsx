/** A counterpart desk's help-desk token names its country (issue #21): the token list shows it. */
import { useI18n } from '../../i18n/i18n';

export function TokenCountry({ country }: { country?: string | null }) {
  const { t } = useI18n();
  if (!country) return null;
  return <> <span class="country" title={t('tokens.countryTitle', { country })}>{t('tokens.country', { country })}</span></>;
}
