import type { PageDef } from '../page';
import { DirectoryPage } from './directory-page';

export const directoryPage: PageDef = {
  path: '/directory',
  title: 'directory.title',
  roles: ['operator'],
  component: DirectoryPage,
  nav: { group: 'steering', order: 20 },
};
