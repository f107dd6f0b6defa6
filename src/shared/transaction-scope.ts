/**
 * The transaction a port's writer works in, as an opaque token: a follower that must commit with the change it
 * follows (the help desk resolving its automatic ticket with the acknowledgement that ended its cause) asks the
 * store for its own repository in that scope, by intent, without knowing the writer's class. Only the store makes
 * and reads these tokens.
 */
export interface TransactionScope {
  readonly transactionScope: true;
}
