/** Entry point: the providers (messages, session) around the shell. */
import { render } from 'preact';
import { App } from './app';
import { I18nProvider } from './i18n/i18n';
import { SessionProvider } from './session';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/pages.css';

render(
  <I18nProvider>
    <SessionProvider>
      <App />
    </SessionProvider>
  </I18nProvider>,
  document.getElementById('app')!,
);
