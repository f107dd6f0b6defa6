/** The bus uses the one backoff policy of the service (src/shared/backoff.ts): reconnects, re-subscribes, retries. */
export { backoffDelay, backoffPolicy, DEFAULT_RECONNECT_BACKOFF, type BackoffPolicy } from '../shared/backoff';
