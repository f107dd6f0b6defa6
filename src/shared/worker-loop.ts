/**
 * A polling loop for one pipeline stage: runs `step` while it finds work, sleeps `idleMs` when it does not,
 * wakes early on `kick()` (the previous stage's "there is work"). A kick during a step is remembered, so work
 * handed over while the step ran is picked up at once rather than after the idle delay.
 * `stop()` lets the step in progress finish (SIGTERM: finish what you hold).
 * A failing step is logged and retried after the idle delay: one bad item never stops the stage.
 */
import type { Logger } from './logger';

export class WorkerLoop {
  private running = false;
  private current: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private kicked = false;

  constructor(
    private readonly name: string,
    private readonly step: () => Promise<boolean>,
    private readonly opts: { idleMs: number; logger: Logger },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.current = this.loop();
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.current;
  }

  /** Runs steps until none finds work (tests and tools drive the pipeline with this). */
  async drain(maxSteps = Number.MAX_SAFE_INTEGER): Promise<number> {
    let n = 0;
    while (n < maxSteps && (await this.step())) n += 1;
    return n;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let didWork = false;
      this.kicked = false;
      try {
        didWork = await this.step();
      } catch (e) {
        this.opts.logger.error('worker step failed', { event: 'worker.error', worker: this.name, error: (e as Error).message });
      }
      if (!didWork && this.running && !this.kicked) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.opts.idleMs);
        });
        clearTimeout(this.timer);
        this.wake = undefined;
      }
    }
  }
}
