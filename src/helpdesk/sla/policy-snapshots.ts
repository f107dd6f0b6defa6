/**
 * SLA policy versions as applied: the first ticket that takes a version records it in the database, and every
 * ticket of that version is measured with the recorded snapshot from then on. Editing a published version in
 * config/sla-policy.json therefore changes nothing for tickets (nor for reported months): the difference is
 * reported at start, and the remedy is a new version with a later effectiveFrom.
 */
import { AppError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';
import type { CalendarRegistry } from '../../business-time/calendar-config';
import { policyDefinition } from '../helpdesk-config';
import { parseSlaPolicies, policyFor, PRIORITIES, type SlaPolicies, type SlaPolicyVersion, type SlaPolicyVersionConfig } from './sla-policy';
import type { StoredPolicyVersion, TicketReader, TicketWriter } from '../tickets/ticket-store';

/** Fields of a configured version that differ from its recorded snapshot (comments ignored). */
export function policyDifferences(configured: SlaPolicyVersionConfig, recorded: SlaPolicyVersionConfig): string[] {
  const diffs: string[] = [];
  if (Date.parse(configured.effectiveFrom) !== Date.parse(recorded.effectiveFrom)) diffs.push('effectiveFrom');
  for (const key of ['calendar', 'targetCompliance', 'warnAtFraction'] as const) {
    if (configured[key] !== recorded[key]) diffs.push(key);
  }
  for (const p of PRIORITIES) {
    for (const key of ['firstResponseHours', 'resolutionHours'] as const) {
      if (configured.priorities[p]?.[key] !== recorded.priorities?.[p]?.[key]) diffs.push(`priorities.${p}.${key}`);
    }
  }
  return diffs;
}

export class PolicySnapshots {
  private readonly parsed = new Map<string, SlaPolicyVersion>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly deps: {
      policies: SlaPolicies;
      definitions: ReadonlyMap<string, SlaPolicyVersionConfig>;
      calendars: CalendarRegistry;
      logger: Logger;
    },
  ) {}

  /**
   * The version in force at slaStartAt, recorded on first use (inside the caller's transaction), as recorded:
   * the snapshot wins over the configuration when they differ.
   */
  async applyAt(w: TicketWriter, slaStartAt: Date, at: Date): Promise<SlaPolicyVersion> {
    const configured = policyFor(this.deps.policies, slaStartAt);
    const definition = this.deps.definitions.get(configured.version) ?? policyDefinition({ ...configured, effectiveFrom: configured.effectiveFrom.toISOString() });
    // Recorded every time (a no-op once present): the row is what the ticket's foreign key points to.
    const stored = await w.recordPolicyVersion(definition, at);
    const cached = this.parsed.get(configured.version);
    if (cached) return cached;
    this.compare(configured.version, stored);
    return this.remember(configured.version, stored);
  }

  /** The snapshot a ticket was measured with from its start. */
  async byVersion(r: TicketReader, version: string): Promise<SlaPolicyVersion> {
    const cached = this.parsed.get(version);
    if (cached) return cached;
    const stored = await r.policyVersion(version);
    if (!stored) throw new AppError('HDK_POLICY_INVALID', `SLA policy version "${version}" was never recorded`);
    return this.remember(version, stored);
  }

  /** Reports every configured version that differs from what was applied; returns the versions concerned. */
  checkAgainst(recorded: ReadonlyMap<string, StoredPolicyVersion>): string[] {
    const edited: string[] = [];
    for (const [version, stored] of recorded) {
      if (this.compare(version, stored)) edited.push(version);
    }
    return edited;
  }

  private compare(version: string, stored: StoredPolicyVersion): boolean {
    const configured = this.deps.definitions.get(version);
    if (!configured) return false;
    const diffs = policyDifferences(configured, stored.definition);
    if (diffs.length > 0 && !this.warned.has(version)) {
      this.warned.add(version);
      this.deps.logger.warn('SLA policy version edited after first use; the recorded version stays in force', {
        event: 'helpdesk.policy_edited', policyVersion: version, fields: diffs, firstUsedAt: stored.firstUsedAt.toISOString(),
      });
    }
    return diffs.length > 0;
  }

  private remember(version: string, stored: StoredPolicyVersion): SlaPolicyVersion {
    const [parsed] = parseSlaPolicies({ versions: [stored.definition] }, this.deps.calendars.has);
    this.parsed.set(version, parsed);
    return parsed;
  }
}
