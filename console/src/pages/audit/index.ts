import type { PageDef } from '../page';
import { AuditPage } from './audit-page';

export const auditPage: PageDef = { path: '/admin/audit', title: 'audit.title', roles: ['admin'], component: AuditPage, nav: { group: 'admin', order: 20 } };
