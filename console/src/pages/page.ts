/**
 * What a page declares: its path, who may see it, its title (never personal data) and, if it belongs in the
 * navigation, where. pages/index.ts lists them all; the shell routes and builds the navigation from that list.
 */
import type { FunctionComponent } from 'preact';
import type { NavGroup } from '../components/layout';
import type { MessageKey } from '../i18n/i18n';
import type { SessionRole } from '../session';

export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface PageDef {
  /** "/cases/:caseId": parameters are ids, never personal data. */
  path: string;
  /** The document title and the navigation label unless nav.label says otherwise. */
  title: MessageKey;
  /** Any of these session roles may open the page (the service checks again on every call). */
  roles: SessionRole[];
  component: FunctionComponent<PageProps>;
  nav?: { group: NavGroup; order: number; label?: MessageKey };
}
