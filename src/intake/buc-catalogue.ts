/**
 * The BUC catalogue as versioned data: config/bucs.csv is version 1 at first start; a supervisor adds or edits a
 * BUC type at run time (a new version with author and reason), and intake accepts it at once, on every instance
 * (each refreshes when the latest version number moved). This is what lets a supervisor fix a quarantine of
 * `VAL_UNKNOWN_BUC` ("a BUC type EESSI added last month") and re-submit the input, without a restart.
 */
import type { AuditEntry } from '../audit/audit-trail';
import type { Clock } from '../shared/clock';
import { AppError, type ErrorDetail } from '../shared/errors';

/** One BUC type of the catalogue (a row of config/bucs.csv). */
export interface BucEntry {
  bucType: string;
  sector: string;
  titleEn: string;
  titleFr: string;
  starterSeds: string;
  otherSeds: string;
  multilateral: boolean;
}

export interface CatalogueVersionMeta {
  version: number;
  author: string;
  reason: string;
  createdAt: Date;
}

export interface BucCatalogueRepository {
  latestVersion(): Promise<number | null>;
  version(version: number): Promise<(CatalogueVersionMeta & { data: BucEntry[] }) | undefined>;
  /** Inserts this version number; false when another writer took it first. */
  insert(v: CatalogueVersionMeta & { data: BucEntry[] }): Promise<boolean>;
  list(): Promise<CatalogueVersionMeta[]>;
}

const BUC_TYPE = /^(AD|AW|FB|H|LA|M|P|R|S|UB)_BUC_[0-9]{2}[a-z]?$/;

export function checkBucEntry(e: Partial<BucEntry> & { bucType: string }): BucEntry {
  const problems: ErrorDetail[] = [];
  if (!BUC_TYPE.test(e.bucType)) problems.push({ path: '/bucType', message: `"${e.bucType}" is not a BUC type such as P_BUC_01 (sector AD, AW, FB, H, LA, M, P, R, S or UB)`, code: 'bucTypeFormat', params: { bucType: e.bucType } });
  const sector = e.bucType.split('_BUC')[0];
  if (e.sector !== undefined && e.sector !== sector) problems.push({ path: '/buc/sector', message: `is "${String(e.sector)}" but the BUC type ${e.bucType} is of sector ${sector}`, code: 'bucSector', params: { sector: String(e.sector), bucType: e.bucType, expected: sector } });
  for (const k of ['titleEn', 'titleFr', 'starterSeds', 'otherSeds'] as const) {
    if (e[k] !== undefined && typeof e[k] !== 'string') problems.push({ path: `/buc/${k}`, message: 'must be a text', code: 'type', params: { type: 'string', value: typeof e[k] } });
  }
  if (e.multilateral !== undefined && typeof e.multilateral !== 'boolean') problems.push({ path: '/buc/multilateral', message: 'must be true or false', code: 'type', params: { type: 'boolean', value: typeof e.multilateral } });
  if (!e.titleEn && !e.titleFr) problems.push({ path: '/buc/titleEn', message: 'a BUC type needs a title (titleEn or titleFr)', code: 'bucTitle' });
  if (problems.length) throw new AppError('REQ_INVALID_BODY', `The BUC catalogue entry is invalid: ${problems[0].path} ${problems[0].message}.`, problems);
  return {
    bucType: e.bucType, sector, titleEn: e.titleEn ?? '', titleFr: e.titleFr ?? '', starterSeds: e.starterSeds ?? '', otherSeds: e.otherSeds ?? '',
    multilateral: e.multilateral ?? false,
  };
}

export class BucCatalogue {
  private entries: readonly BucEntry[] = [];
  private types: ReadonlySet<string> = new Set();
  private loadedVersion = 0;

  constructor(private readonly repo: BucCatalogueRepository, private readonly clock: Clock, private readonly audit?: { record(e: AuditEntry): Promise<void> }) {}

  /** First start: the shipped catalogue becomes version 1. Then loads the latest version. */
  async seed(defaults: BucEntry[]): Promise<void> {
    if ((await this.repo.latestVersion()) === null) {
      await this.repo.insert({ version: 1, author: 'system', reason: 'initial load from config/bucs.csv', createdAt: this.clock.now(), data: defaults });
    }
    await this.refresh();
  }

  /** Loads the latest version when another one was published (by any instance). */
  async refresh(): Promise<void> {
    const latest = await this.repo.latestVersion();
    if (latest === null || latest === this.loadedVersion) return;
    const v = await this.repo.version(latest);
    if (!v) return;
    this.entries = v.data;
    this.types = new Set(v.data.map((e) => e.bucType));
    this.loadedVersion = v.version;
  }

  /** Intake's question: is this BUC type known? (synchronous: the catalogue in memory). */
  has(bucType: string): boolean {
    return this.types.has(bucType);
  }

  get version(): number {
    return this.loadedVersion;
  }

  list(): readonly BucEntry[] {
    return this.entries;
  }

  versions(): Promise<CatalogueVersionMeta[]> {
    return this.repo.list();
  }

  /** Adds or replaces one BUC type in a new version. */
  async put(entry: Partial<BucEntry> & { bucType: string }, by: { author: string; reason: string; basedOnVersion?: number }): Promise<CatalogueVersionMeta> {
    if (!by.reason.trim()) throw new AppError('REQ_INVALID_BODY', 'A change needs a reason.', [{ path: '/reason', message: 'is required', code: 'required', params: { missingProperty: 'reason' } }]);
    const checked = checkBucEntry(entry);
    await this.refresh();
    const current = this.loadedVersion;
    if (by.basedOnVersion !== undefined && by.basedOnVersion !== current) {
      throw new AppError('RTE_VERSION_CONFLICT', `The BUC catalogue is at version ${current}, not ${by.basedOnVersion}: reload and apply your change again.`);
    }
    const before = this.entries.find((e) => e.bucType === checked.bucType) ?? null;
    const data = [...this.entries.filter((e) => e.bucType !== checked.bucType), checked].sort((a, b) => (a.bucType < b.bucType ? -1 : 1));
    const meta = { version: current + 1, author: by.author, reason: by.reason, createdAt: this.clock.now() };
    if (!(await this.repo.insert({ ...meta, data }))) {
      throw new AppError('RTE_VERSION_CONFLICT', `Another change of the BUC catalogue was published at the same time (version ${meta.version}); reload and try again.`);
    }
    await this.refresh();
    await this.audit?.record({
      actor: by.author, action: 'catalogue.publish', subjectType: 'buc-catalogue', subjectId: String(meta.version),
      before: { version: current, entry: before }, after: { version: meta.version, entry: checked }, data: { reason: by.reason, bucType: checked.bucType },
    });
    return meta;
  }
}
