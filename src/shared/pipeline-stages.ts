/**
 * Names of the pipeline stages in the work queue. Shared because two sides meet on them: intake enqueues work for
 * the routing stage in its own transaction (store/intake-repository.ts), the routing worker claims it.
 */
export const ROUTING_STAGE = 'route';
