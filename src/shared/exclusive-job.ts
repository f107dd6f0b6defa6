/**
 * A scheduled job runs on one instance per tick: whoever takes the job's database lock does the work, the others
 * skip. Domain jobs are written against this port; store/job-lock.ts implements it with an advisory lock.
 */
export type LockedRun<T> = { ran: true; result: T } | { ran: false };

/** Runs `fn` inside one transaction holding the job's lock, with the writers `open` binds to that transaction. */
export type ExclusiveRun<W> = <T>(job: string, fn: (writers: W) => Promise<T>) => Promise<LockedRun<T>>;
