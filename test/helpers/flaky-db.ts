/**
 * A real database with fault switches: while `failing` matches a statement, that statement throws the error a
 * lost PostgreSQL connection gives (used to prove ack-after-commit: a failed write never acks the message); while
 * `defective` holds for a statement and its values, it throws a plain Error, a defect nobody foresaw (neither the
 * input's fault nor a dependency's).
 */
import type { Database, Row, Sql } from '../../src/store/database';
import { AppError } from '../../src/shared/errors';

export class FlakyDatabase implements Database {
  failing: RegExp | null = null;
  failures = 0;
  defective: ((text: string, params: unknown[]) => boolean) | null = null;
  defects = 0;

  constructor(private readonly inner: Database) {}

  get driver() {
    return this.inner.driver;
  }

  private check(text: string, params: unknown[] = []): void {
    if (this.failing && this.failing.test(text)) {
      this.failures += 1;
      throw new AppError('DEP_DATABASE_DOWN', 'The database is unavailable (injected fault).');
    }
    if (this.defective?.(text, params)) {
      this.defects += 1;
      throw new Error('injected defect');
    }
  }

  private wrap(sql: Sql): Sql {
    return {
      query: async <T = Row>(text: string, params?: unknown[]) => {
        this.check(text, params);
        return sql.query<T>(text, params);
      },
      exec: async (text: string) => {
        this.check(text);
        return sql.exec(text);
      },
    };
  }

  query<T = Row>(text: string, params?: unknown[]): Promise<T[]> {
    return this.wrap(this.inner).query<T>(text, params);
  }

  exec(text: string): Promise<void> {
    return this.wrap(this.inner).exec(text);
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => fn(this.wrap(tx)));
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
