/**
 * Changing one's own password at any time, whatever the role (issue #20): the form of components/password-form.tsx,
 * which the forced change after a reset uses too. The service ends every other session of the account and rotates
 * this one.
 */
import { PageHeader } from '../../components/page-header';
import { PasswordForm } from '../../components/password-form';
import { useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';

export function OwnPasswordPage() {
  const { t } = useI18n();
  useTitle(`${t('ownPassword.title')} · ${t('app.name')}`);
  return (
    <>
      <PageHeader title={t('ownPassword.title')} subtitle={t('ownPassword.subtitle')} />
      <PasswordForm idPrefix="op" currentLabel="ownPassword.current" formClass="panel panel-body own-password" buttonClass="btn btn-primary"
        label={t('ownPassword.title')} doneText={t('ownPassword.done')} />
    </>
  );
}
