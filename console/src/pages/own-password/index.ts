import type { PageDef } from '../page';
import { OwnPasswordPage } from './own-password-page';

/** Every role may change its own password (issue #20); the user bar links here. */
export const OWN_PASSWORD_PATH = '/my-password';

export const ownPasswordPage: PageDef = {
  path: OWN_PASSWORD_PATH, title: 'ownPassword.title', roles: ['operator', 'supervisor', 'helpdesk', 'admin'], component: OwnPasswordPage,
};
