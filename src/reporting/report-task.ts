/** The CPU work of a report, run in its worker thread (report-thread.ts) or in line: what each task is and does. */
import { figuresDigest, reportChanges } from './diff';
import { renderReport, type ReportFormat, type Rendered } from './render';
import type { CsvSeparator } from './render-csv';
import type { Change, Report, ReportDraft } from './report-model';

export type ReportTask =
  | { task: 'render'; report: Report; format: ReportFormat; separator: CsvSeparator }
  | { task: 'compare'; previous: Report | undefined; draft: ReportDraft };

export interface Comparison { changes: Change[]; digest: string }

export type TaskResult<T extends ReportTask> = T extends { task: 'render' } ? Rendered : Comparison;

/** The work itself, the same in the thread and (for tools and tests without threads) in line. */
export function runReportTask(t: ReportTask): Rendered | Comparison {
  if (t.task === 'render') return renderReport(t.report, t.format, t.separator);
  return { changes: t.previous ? reportChanges(t.previous, t.draft) : [], digest: figuresDigest(t.draft) };
}
