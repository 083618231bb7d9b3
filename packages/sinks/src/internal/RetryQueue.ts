import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * Entries waiting for their backoff, each due at its own time, behind one timer: when it fires,
 * every entry due by then is handed over at once, so retries of different keys that come due
 * together leave in the same request instead of one timer (and one request) each.
 * @internal
 *
 * @example
 * ```ts
 * const retries = new RetryQueue<Entry>(scheduler, (due) => { for (const e of due) lanes.pushRetry(e); pump(); });
 * retries.add(entry, 120);
 * ```
 */
export class RetryQueue<T> {
  /** Waiting entries, ordered by due time (ties in the order they were added). */
  private readonly items: { item: T; dueAt: number }[] = [];
  private timer: Subscription | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  /**
   * @param scheduler - Where the timer runs.
   * @param onDue - Called with the entries due, oldest due first.
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly onDue: (due: T[]) => void,
  ) {}

  /** Entries waiting. */
  get size(): number {
    return this.items.length;
  }

  /** When the earliest entry is due; `+Infinity` when none waits. */
  get nextDueAt(): number {
    return this.items[0]?.dueAt ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Adds `item`, due `delay` ms from now.
   *
   * @param item - The entry to hand back.
   * @param delay - Its backoff, in ms.
   */
  add(item: T, delay: number): void {
    const dueAt = this.scheduler.now() + delay;
    // Binary search for the first later due time: O(log n) per retry, stable for ties.
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.items[middle]!.dueAt <= dueAt) low = middle + 1;
      else high = middle;
    }
    this.items.splice(low, 0, { item, dueAt });
    this.arm();
  }

  /** Stops the timer and returns every waiting entry, earliest due first. */
  drain(): T[] {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const all = this.items.map(({ item }) => item);
    this.items.length = 0;
    return all;
  }

  private arm(): void {
    const at = this.nextDueAt;
    if (at === Number.POSITIVE_INFINITY || (this.timer !== undefined && this.timerAt <= at)) return;
    this.timer?.unsubscribe();
    this.timerAt = at;
    this.timer = this.scheduler.schedule(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.fire();
      },
      Math.max(0, at - this.scheduler.now()),
    );
  }

  private fire(): void {
    const now = this.scheduler.now();
    let count = 0;
    while (count < this.items.length && this.items[count]!.dueAt <= now) count++;
    const due = this.items.splice(0, count).map(({ item }) => item);
    this.arm();
    if (due.length > 0) this.onDue(due);
  }
}
