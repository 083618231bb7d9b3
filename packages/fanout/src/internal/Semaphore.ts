/**
 * Bounds how many async tasks run at once. Waiters are served first in, first out; the wait
 * list holds at most one entry per caller awaiting `run`, so it is bounded by the callers.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${permits}`);
    }
    this.available = permits;
  }

  /** Runs `task` once a permit is free and releases the permit when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.available > 0) this.available--;
    else await new Promise<void>((resolve) => this.waiters.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.available++;
    }
  }
}
