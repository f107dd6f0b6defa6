/**
 * The store's TransactionScope: the open transaction behind a writer of one repository, handed to another
 * repository that must join it (the help desk's cause reader in the transaction of a case change).
 */
import type { TransactionScope } from '../shared/transaction-scope';
import type { Sql } from './database';

class SqlScope implements TransactionScope {
  readonly transactionScope = true as const;
  constructor(readonly sql: Sql) {}
}

export function scopeOf(sql: Sql): TransactionScope {
  return new SqlScope(sql);
}

/** The transaction of a scope this store made (a scope from elsewhere is a wiring error, said at once). */
export function sqlOf(scope: TransactionScope): Sql {
  if (!(scope instanceof SqlScope)) throw new Error('This transaction scope was not made by the store');
  return scope.sql;
}
