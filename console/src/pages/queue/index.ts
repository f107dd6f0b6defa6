import type { PageDef } from '../page';
import { HOME_PATH } from '../paths';
import { QueuePage } from './queue-page';

export const queuePage: PageDef = {
  path: HOME_PATH,
  title: 'queue.title',
  roles: ['operator'],
  component: QueuePage,
  nav: { group: 'work', order: 10 },
};
