/**
 * Settings of the help desk's consumer and scheduled jobs. config/env.ts reads them from the environment (keys in
 * the README's configuration table); nothing here reads the environment itself.
 */
export interface HelpdeskSettings {
  /** A forward still pending this many business days (desk calendar) after it was created opens an automatic ticket. */
  forwardAckBusinessDays: number;
  /** A case in triage for this many business hours opens an automatic ticket (once per triage episode). */
  orphanMaxAgeBusinessHours: number;
  /** When the escalation job runs (node-cron syntax, in the schedule's zone). */
  escalationCron: string;
  /** When the pipeline watch runs. */
  pipelineWatchCron: string;
  /** Messages handled at once by the liaison.helpdesk consumer. */
  prefetch: number;
  /** Escalation notifications published per relay round. */
  noticeRelayBatch: number;
  /** Open tickets one escalation sweep looks at; more would be an incident of its own, the rest waits a run. */
  sweepLimit: number;
  /** Candidates (forwards, orphan cases) one pipeline watch looks at; the rest waits for the next run. */
  pipelineWatchBatch: number;
  /** How far back (days) a ticket's requested slaStartAt may go. */
  slaStartMaxDaysBack: number;
}

export const DEFAULT_HELPDESK_SETTINGS: Readonly<HelpdeskSettings> = Object.freeze({
  forwardAckBusinessDays: 5,
  orphanMaxAgeBusinessHours: 16,
  escalationCron: '* * * * *',
  pipelineWatchCron: '*/15 * * * *',
  prefetch: 10,
  noticeRelayBatch: 100,
  sweepLimit: 10_000,
  pipelineWatchBatch: 500,
  slaStartMaxDaysBack: 30,
});
