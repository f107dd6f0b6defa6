/**
 * Natural batching of a consumer's messages into windows (batch mode): while fewer than `ahead` windows are being
 * handled, what arrived in one event-loop turn (one socket read delivers many messages) is handed over at the end
 * of that turn, so a lone message never waits on a timer; while `ahead` windows are being handled, messages gather
 * until one of them settles, or until the window is full, so that windows (and the transactions that store them)
 * grow with the load.
 */
export class WindowGatherer<T> {
  private items: T[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private inFlight = 0;

  constructor(private readonly opts: {
    /** The most items in one window. */
    max: number;
    /** Windows handled at once before new items wait for one to settle. */
    ahead: number;
    /** Handles a window; settles when it is done (whatever became of it). */
    hand: (window: T[]) => Promise<void>;
  }) {}

  add(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.opts.max) this.flush();
    else this.schedule();
  }

  /** Hands over what has gathered, now (a full window, a shutdown). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const window = this.items;
    this.items = [];
    if (window.length === 0) return;
    this.inFlight += 1;
    void this.opts.hand(window).finally(() => {
      this.inFlight -= 1;
      if (this.items.length > 0) this.schedule();
    });
  }

  /** Takes back what has gathered and was not handed over (a pause: the caller hands it back to the broker). */
  takeBack(): T[] {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    return this.items.splice(0);
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.ahead) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      if (this.inFlight < this.opts.ahead) this.flush();
    });
  }
}
