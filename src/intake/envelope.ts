/** One received SED, as docs/contract.md §2 defines it. */
export interface InstitutionRef {
  institutionId: string;
  name?: string;
  country: string;
}

export interface Envelope {
  envelopeId: string;
  caseId: string;
  bucType: string;
  sedType: string;
  documentId: string;
  documentVersion: string;
  sender: InstitutionRef;
  receiver: InstitutionRef;
  /** Decision E6 legal receipt time, RFC 3339 with offset. Travels unchanged with every forward. */
  legalDeliveryAt: string;
  /** The SED in CDM/CPI JSON shape: one root key equal to sedType. */
  sed: Record<string, unknown>;
}

/** The liaison body itself: never a routing target, ignored among French references. */
export const LIAISON_BODY_ID = 'FR:CLEISS0002';
