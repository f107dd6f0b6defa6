/** An unknown path, or a page the session's roles do not open. */
import { PageHeader } from '../../components/page-header';
import { useI18n } from '../../i18n/i18n';
import { useTitle } from '../../hooks';
import { Link } from '../../router';
import { HOME_PATH } from '../paths';

export function NotFoundPage({ message }: { message: string }) {
  const { t } = useI18n();
  useTitle(`${message} · ${t('app.name')}`);
  return (
    <>
      <PageHeader title={message} />
      <p><Link to={HOME_PATH}>{t('app.backHome')}</Link></p>
    </>
  );
}
