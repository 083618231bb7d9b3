/**
 * The engine's asynchronous work still running (store writes, asynchronous sends and closes), so
 * `settled()` can wait for it. Internal.
 */
export class PendingWork {
  private readonly running = new Set<Promise<unknown>>();

  /** Keeps `work` until it settles. */
  track(work: Promise<unknown>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /** Resolves when everything tracked so far, and anything it started, has settled. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
