/** Realistic envelopes for tests (synthetic identities), with a valid French NIR for a person born 1958-03. */
import type { Envelope } from '../../src/intake/envelope';

let seq = 0;

export function makeEnvelope(over: Partial<Envelope> & { person?: Record<string, unknown> } = {}): Envelope {
  seq += 1;
  const documentId = over.documentId ?? `doc${Date.now().toString(16)}${seq.toString().padStart(6, '0')}`;
  const sedType = over.sedType ?? 'P2000';
  const documentVersion = over.documentVersion ?? '1';
  const { person, ...rest } = over;
  return {
    envelopeId: `${sedType}_${documentId}_${documentVersion}`,
    caseId: `44${seq.toString().padStart(5, '0')}`,
    bucType: 'P_BUC_01',
    sedType,
    documentId,
    documentVersion,
    sender: { institutionId: 'DE:DRV0000001', name: 'Deutsche Rentenversicherung Bund', country: 'DE' },
    receiver: { institutionId: 'FR:CLEISS0002', name: 'CLEISS', country: 'FR' },
    legalDeliveryAt: '2026-11-20T09:14:03Z',
    sed: {
      [sedType]: {
        sedGVer: '4',
        sedVer: '3',
        InsuredPerson: person ?? {
          PersonIdentification: {
            familyName: 'Dupontel',
            forename: 'Marianne',
            dateBirth: '1958-03-14',
            sex: { value: ['02'] },
            PINPersonInEachInstitution: {
              PersonalIdentificationNumber: [
                { country: { value: ['FR'] }, personalIdentificationNumber: '2580375112233 24', sector: { value: ['ALL'] } },
                { country: { value: ['DE'] }, personalIdentificationNumber: '65140358D512', sector: { value: ['ALL'] }, Institution: { institutionID: 'DE:DRV0000001', institutionName: 'DRV Bund' } },
              ],
            },
          },
          ResidenceAddress: { street: '12 rue des Lilas', town: 'Lyon', postalCode: '69003', country: { value: ['FR'] } },
        },
      },
    },
    ...rest,
  };
}

/** The personal values inside makeEnvelope(), to prove none reaches a log line. */
export const PERSONAL_VALUES = ['Dupontel', 'Marianne', '1958-03-14', '2580375112233', '258037511223324', '65140358D512', '12 rue des Lilas', 'Lyon', '69003'];
