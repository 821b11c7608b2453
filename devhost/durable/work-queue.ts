/**
 * A FIFO of async jobs run with at most `limit` in flight, mirroring the host's
 * maxConcurrentActivityFunctions / maxConcurrentOrchestratorFunctions throttles.
 */
export class WorkQueue<T> {
  private readonly waiting: T[] = [];
  private head = 0;
  private running = 0;

  constructor(
    private readonly limit: number,
    private readonly run: (item: T) => Promise<void>,
    private readonly onIdle: () => void = () => {},
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`concurrency limit must be a positive integer, got ${limit}`);
  }

  get size(): number {
    return this.waiting.length - this.head + this.running;
  }

  get inFlight(): number {
    return this.running;
  }

  push(item: T): void {
    this.waiting.push(item);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.limit && this.head < this.waiting.length) {
      const item = this.waiting[this.head++] as T;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.running++;
      void this.run(item).finally(() => {
        this.running--;
        this.pump();
        if (this.size === 0) this.onIdle();
      });
    }
  }
}
