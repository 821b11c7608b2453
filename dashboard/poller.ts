import { nextDelay } from './backoff.js';

export type PollStatus = { ok: true } | { ok: false; error: unknown; retryInMs: number };

/**
 * Runs a refresh now and then again after a delay: the page's interval while it succeeds, backing off
 * on failures; paused while the tab is hidden and run at once when it is shown again.
 */
export class Poller {
  private timer: number | undefined;
  private failures = 0;
  private running = false;
  private stopped = false;
  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'visible') this.now();
  };

  constructor(
    private readonly task: () => Promise<void>,
    private readonly intervalMs: () => number,
    private readonly onStatus: (status: PollStatus) => void = () => {},
  ) {
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  /** Refreshes immediately (after an action, or when the tab comes back). */
  now(): void {
    if (this.stopped) return;
    window.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) return;
    this.running = true;
    void this.task()
      .then(
        () => {
          this.failures = 0;
          this.onStatus({ ok: true });
        },
        (error: unknown) => {
          this.failures += 1;
          this.onStatus({ ok: false, error, retryInMs: nextDelay(this.intervalMs(), this.failures) });
        },
      )
      .finally(() => {
        this.running = false;
        this.schedule();
      });
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  private schedule(): void {
    if (this.stopped || document.visibilityState === 'hidden') return;
    const delay = nextDelay(this.intervalMs(), this.failures);
    this.timer = window.setTimeout(() => this.now(), delay);
  }
}
