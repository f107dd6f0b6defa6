/** Shared by the help desk's storage, API, AMQP and scheduler tests. */
import path from 'node:path';
import type { NewTicketRequest } from '../../src/helpdesk/tickets/ticket';
import type { Actor } from '../../src/helpdesk/tickets/ticket-request';
import { startHelpdesk, type Helpdesk, type HelpdeskDeps } from '../../src/app/helpdesk';
import type { Clock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import { createMetrics } from '../../src/shared/metrics';
import type { Database } from '../../src/store/database';

export const CONFIG_DIR = path.resolve(__dirname, '../../config');

export const operator: Actor = { id: 'operator:alice', kind: 'operator', seesInternal: true };
export const counterpartDesk: Actor = { id: 'tok_desk_de', kind: 'machine', seesInternal: false };

/** A German desk's question about an S072, with no personal data beyond what a real subject would hold. */
export function ticketBody(overrides: Record<string, unknown> = {}): NewTicketRequest & Record<string, unknown> {
  return <NewTicketRequest & Record<string, unknown>>{
    counterpartCountry: 'DE',
    counterpartRef: 'DE-SD-2025-000123',
    caseId: '4410023',
    bucType: 'S_BUC_19',
    sedType: 'S072',
    category: 'competent-institution',
    priority: 'P2',
    subject: 'Which CPAM handles this S072?',
    description: 'The insured person moved from Lyon to Lille in 2024.',
    ...overrides,
  };
}

export function startTestHelpdesk(db: Database, clock: Clock, extra: Partial<HelpdeskDeps> = {}): Promise<Helpdesk> {
  return startHelpdesk({ db, clock, logger: silentLogger(), metrics: createMetrics(), configDir: CONFIG_DIR, scheduler: false, ...extra });
}

/** Paris wall-clock time in 2025 as an instant (summer time from 30 March to 26 October). */
export const paris = (local: string): Date => {
  const d = new Date(`${local}+01:00`);
  const summer = d >= new Date('2025-03-30T01:00:00Z') && d < new Date('2025-10-26T01:00:00Z');
  return summer ? new Date(`${local}+02:00`) : d;
};
