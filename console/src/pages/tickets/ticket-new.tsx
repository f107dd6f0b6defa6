/**
 * Opening a ticket from the console (issue #20): a call or a mail from a French institution (or another country's
 * desk reached by other means). The reference is the caller's own when they give one, else one made from the channel
 * and the time; the service answers the existing ticket when that country and reference are already known.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { COUNTRIES } from '../../codes';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice } from '../../components/status';
import { useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, href, navigate } from '../../router';
import { TICKET_PATH, TICKETS_PATH } from '../paths';
import { PRIORITIES, priorityLabel, type Priority } from './ticket-labels';

type Channel = 'call' | 'mail';
const CATEGORIES = ['competent-institution', 'routing', 'sed-content', 'delay', 'other'] as const;

/** A reference for a call or mail that came without one: the channel and the minute (Paris), plus a short tail. */
function madeRef(channel: Channel): string {
  const at = new Date().toLocaleString('sv-SE', { timeZone: 'Europe/Paris' }).slice(0, 16).replace(/[- :]/g, '');
  return `${channel === 'call' ? 'APPEL' : 'MAIL'}-${at}-${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
}

interface Form {
  channel: Channel; counterpartCountry: string; counterpartRef: string; caseId: string; category: string; priority: Priority; subject: string; description: string;
}

function bodyOf(f: Form): Schemas['NewTicket'] {
  return {
    counterpartCountry: f.counterpartCountry as Schemas['NewTicket']['counterpartCountry'], counterpartRef: f.counterpartRef.trim() || madeRef(f.channel),
    category: f.category, priority: f.priority, subject: f.subject.trim(), description: f.description.trim(), ...(f.caseId.trim() && { caseId: f.caseId.trim() }),
  };
}

/** Who asks and about what: the channel, the country, their reference, the case. */
function WhoFields({ f, setF, set }: { f: Form; setF: (f: Form) => void; set: (k: keyof Form) => (e: Event) => void }) {
  const { t } = useI18n();
  return (
    <>
      <fieldset class="field radios">
        <legend class="label">{t('ticketNew.channel')}</legend>
        {(['call', 'mail'] as const).map((c) => (
          <label key={c}><input type="radio" name="channel" value={c} checked={f.channel === c} onChange={() => setF({ ...f, channel: c })} />{t(`ticketNew.channel.${c}`)}</label>
        ))}
      </fieldset>
      <div class="field">
        <label for="tn-country">{t('ticketNew.country')}</label>
        <select id="tn-country" value={f.counterpartCountry} onChange={set('counterpartCountry')}>
          {COUNTRIES.map((c) => <option key={c} value={c}>{c === 'FR' ? t('ticketNew.country.fr') : c}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="tn-ref">{t('ticketNew.ref')}</label>
        <input id="tn-ref" value={f.counterpartRef} onInput={set('counterpartRef')} maxLength={128} aria-describedby="tn-ref-help" />
        <p class="help" id="tn-ref-help">{t('ticketNew.refHelp')}</p>
      </div>
      <div class="field">
        <label for="tn-case">{t('ticketNew.case')}</label>
        <input id="tn-case" value={f.caseId} onInput={set('caseId')} maxLength={100} pattern="[A-Za-z0-9_.:\-]+" />
      </div>
    </>
  );
}

export function NewTicketPage() {
  const { t } = useI18n();
  useTitle(`${t('ticketNew.title')} · ${t('app.name')}`);
  const [f, setF] = useState<Form>({ channel: 'call', counterpartCountry: 'FR', counterpartRef: '', caseId: '', category: 'competent-institution', priority: 'P3', subject: '', description: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const set = (k: keyof Form) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const ticket = await ok(api.POST('/api/tickets', { body: bodyOf(f) }));
      navigate(href(TICKET_PATH, { id: ticket.id }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p class="breadcrumb"><Link to={TICKETS_PATH}>← {t('ticketNew.back')}</Link></p>
      <PageHeader title={t('ticketNew.title')} subtitle={t('ticketNew.subtitle')} />
      <form class="panel ticket-new" onSubmit={submit} aria-labelledby="page-title">
        <div class="panel-body">
          <WhoFields f={f} setF={setF} set={set} />
          <div class="field">
            <label for="tn-category">{t('ticketNew.category')}</label>
            <select id="tn-category" value={f.category} onChange={set('category')}>
              {CATEGORIES.map((c) => <option key={c} value={c}>{t(`ticketNew.category.${c}`)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="tn-priority">{t('ticketNew.priority')}</label>
            <select id="tn-priority" value={f.priority} onChange={set('priority')}>
              {PRIORITIES.map((p) => <option key={p} value={p}>{priorityLabel(t, p)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="tn-subject">{t('ticketNew.subject')}</label>
            <input id="tn-subject" value={f.subject} onInput={set('subject')} required maxLength={200} />
          </div>
          <div class="field">
            <label for="tn-description">{t('ticketNew.description')}</label>
            <textarea id="tn-description" rows={5} value={f.description} onInput={set('description')} required maxLength={20000} />
          </div>
          {error !== undefined && <ErrorNotice error={error} />}
          <button type="submit" class="btn btn-primary" disabled={busy}>{t('ticketNew.submit')}</button>
        </div>
      </form>
    </>
  );
}
