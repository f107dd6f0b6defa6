/** What the routing-stage tests share: the default configuration, a fixed instant, an orphan, a claimed item. */
import type { RoutingItem } from '../../src/pipeline/routing-queue';
import { loadRoutingConfig } from '../../src/routing/config-files';
import type { makeEnvelope } from './envelopes';

const { directory, ruleTable } = loadRoutingConfig('config');
export const cfg = { directory, ruleTable, ruleSetVersion: 1, directoryVersion: 1 };
export const at = new Date('2026-11-20T10:00:00Z');
/** A person with nothing French: no rule routes them (NO_RULE). */
export const orphanPerson = { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } };
export const item = (e: ReturnType<typeof makeEnvelope>, workId: number): RoutingItem => ({
  workId, envelopeId: e.envelopeId, attempts: 0, stored: { envelope: e, receivedAt: at, state: 'received' },
});
