/** Cases for the browser tests, sent through the real intake (synthetic people only). */
import type { Envelope } from '../../src/intake/envelope';
import { makeEnvelope } from '../helpers/envelopes';
import type { ConsoleHarness } from './harness';

/** The person of the orphan cases: no residence, no reference, so no rule can route it (NO_RULE). */
export const ORPHAN_PERSON = { familyName: 'Orphelin', forename: 'Jeanne', dateBirth: '1961-04-02' };

export function orphan(caseId: string, over: Partial<Envelope> = {}): Envelope {
  return makeEnvelope({
    caseId, documentId: `orph${caseId}`,
    person: {
      PersonIdentification: {
        familyName: ORPHAN_PERSON.familyName, forename: ORPHAN_PERSON.forename, dateBirth: ORPHAN_PERSON.dateBirth, sex: { value: ['02'] },
        PINPersonInEachInstitution: { PersonalIdentificationNumber: [{ country: { value: ['DE'] }, personalIdentificationNumber: '65020461J555', sector: { value: ['ALL'] } }] },
      },
    },
    ...over,
  });
}

/** A claimant living in Lyon: P-RESIDENCE routes it to Carsat Rhône-Alpes. */
export function lyon(caseId: string): Envelope {
  return makeEnvelope({ caseId, documentId: `lyon${caseId}` });
}

/** A case bounced by Carsat Rhône-Alpes (forwarded, then rejected): back in triage with reason BOUNCED. */
export async function bounced(h: ConsoleHarness, caseId: string): Promise<void> {
  await h.send(lyon(caseId));
  const token = await h.institutionToken('FR:CARSATRA1');
  const pending = await h.api('GET', '/api/institutions/FR:CARSATRA1/forwards?status=pending', undefined, token);
  const forward = (pending.body.items as Array<{ forwardId: string; caseId: string }>).find((f) => f.caseId === caseId)!;
  const r = await h.api('POST', `/api/forwards/${forward.forwardId}/ack`, { status: 'rejected', reason: 'Pas de dossier à ce nom chez nous' }, token);
  if (r.status !== 200) throw new Error(`ack: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Sends with the service's clock `hoursAgo` in the past, so the case has aged in triage. */
export async function sendAged(h: ConsoleHarness, envelope: Envelope, hoursAgo: number): Promise<void> {
  h.clock.offsetMs = -hoursAgo * 3600_000;
  try {
    await h.send(envelope);
  } finally {
    h.clock.offsetMs = 0;
  }
}
