/**
 * The SED's key facts: person, birth date, residence, PINs, French references. Personal data: the service sends
 * them to operators only and records each read; the page never puts them in the URL or the title.
 */
import type { Schemas } from '../../api/client';
import { useI18n, type MessageKey } from '../../i18n/i18n';

type Facts = Schemas['CaseFacts'];

const dash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);

function PinTable({ pins }: { pins: Facts['pins'] }) {
  const { t } = useI18n();
  return (
    <table class="table table-compact">
      <thead><tr>
        <th scope="col">{t('case.facts.pin.country')}</th><th scope="col">{t('case.facts.pin.number')}</th>
        <th scope="col">{t('case.facts.pin.sector')}</th><th scope="col">{t('case.facts.pin.institution')}</th>
      </tr></thead>
      <tbody>
        {pins.map((p, i) => (
          <tr key={i}><td>{dash(p.country)}</td><td><code>{dash(p.number)}</code></td><td>{dash(p.sector)}</td><td><code>{dash(p.institutionId)}</code></td></tr>
        ))}
      </tbody>
    </table>
  );
}

export function CaseFacts({ facts }: { facts: Facts }) {
  const { t, date } = useI18n();
  const sexLabel = (s: string | null) => (s && ['01', '02', '98'].includes(s) ? t(`case.facts.sex.${s}` as MessageKey) : dash(s));
  const r = facts.residence;
  return (
    <section class="panel facts" aria-labelledby="facts-title">
      <header class="panel-header">
        <h2 id="facts-title">{t('case.facts')}</h2>
        <span class="facts-note">{t('case.facts.note')}</span>
      </header>
      <div class="panel-body facts-grid">
        {!facts.person && <p class="muted">{t('case.facts.none')}</p>}
        {facts.person && (
          <div>
            <h3>{t('case.facts.person')}</h3>
            <dl class="dl">
              <dt>{t('case.facts.familyName')}</dt><dd class="person-name">{dash(facts.person.familyName)}</dd>
              <dt>{t('case.facts.forename')}</dt><dd>{dash(facts.person.forename)}</dd>
              <dt>{t('case.facts.dateBirth')}</dt><dd>{facts.person.dateBirth ? date(`${facts.person.dateBirth}T12:00:00Z`) : '—'}</dd>
              <dt>{t('case.facts.sex')}</dt><dd>{sexLabel(facts.person.sex)}</dd>
            </dl>
          </div>
        )}
        {r && (
          <div>
            <h3>{t('case.facts.residence')}</h3>
            <address class="residence">
              {r.street && <span>{r.street}</span>}
              <span>{[r.postalCode, r.town].filter(Boolean).join(' ') || '—'}</span>
              {(r.region || r.country) && <span>{[r.region, r.country].filter(Boolean).join(', ')}</span>}
            </address>
          </div>
        )}
        {facts.pins.length > 0 && (
          <div class="facts-wide">
            <h3>{t('case.facts.pins')}</h3>
            <PinTable pins={facts.pins} />
          </div>
        )}
        {facts.frenchReferences.length > 0 && (
          <div>
            <h3>{t('case.facts.references')}</h3>
            <ul class="plain">
              {facts.frenchReferences.map((f) => <li key={f.institutionId}><code>{f.institutionId}</code> {f.name}</li>)}
            </ul>
          </div>
        )}
        {facts.sourceEnvelopeId && <p class="muted facts-wide facts-source">{t('case.facts.source', { envelopeId: facts.sourceEnvelopeId })}</p>}
      </div>
    </section>
  );
}
