/**
 * The operators' commands on a case, typed: what the HTTP bodies carry once read (the routers parse them with
 * these, naming the bad field with REQ_INVALID_BODY); the services take only the typed command.
 */
import { optionalText, requiredText } from '../shared/body-fields';

/** Forward a case in triage to an institution (POST /api/triage/{caseId}/assign). */
export interface AssignCommand { institutionId: string; note: string | null }
/** Send a case in triage back (POST /api/triage/{caseId}/return). */
export interface ReturnCommand { reason: string }
/** A note on any case (POST /api/cases/{caseId}/notes). */
export interface NoteCommand { note: string }
/** Forward a forwarded case to another institution (POST /api/cases/{caseId}/reassign). */
export interface ReassignCommand { institutionId: string; note: string | null }
/** Put a returned case back in triage (POST /api/cases/{caseId}/reopen). */
export interface ReopenCommand { note: string | null }
/**
 * Re-route cases in triage that the rule table in force now decides (POST /api/triage/reroute): 1 to 2,000 case
 * ids of 1 to 100 characters, as docs/openapi.yaml checks before the route runs.
 */
export interface RerouteCommand { caseIds: string[] }

export const parseAssign = (body: unknown): AssignCommand => ({ institutionId: requiredText(body, 'institutionId', 20), note: optionalText(body, 'note') });
export const parseReturn = (body: unknown): ReturnCommand => ({ reason: requiredText(body, 'reason') });
export const parseNote = (body: unknown): NoteCommand => ({ note: requiredText(body, 'note', 4000) });
export const parseReassign = (body: unknown): ReassignCommand => ({ institutionId: requiredText(body, 'institutionId', 20), note: optionalText(body, 'note') });
export const parseReopen = (body: unknown): ReopenCommand => ({ note: optionalText(body, 'note') });
