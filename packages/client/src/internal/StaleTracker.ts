import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * Marks a symbol stale when it has had no update for `staleAfterMs`. One timer at a time, set
 * for the earliest deadline; an update only moves deadlines later, so an early wake-up just
 * rescans and sleeps again. Memory: one timestamp per tracked symbol.
 */
export class StaleTracker {
  private readonly touched = new Map<string, number>();
  private stale = new Set<string>();
  private timer: Subscription | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly staleAfterMs: number,
    private readonly scheduler: SchedulerLike,
    private readonly emit: (stale: ReadonlySet<string>) => void,
  ) {}

  /** Starts tracking `symbol`, or records an update of it. */
  touch(symbol: string): void {
    const now = this.scheduler.now();
    this.touched.set(symbol, now);
    if (this.stale.has(symbol)) {
      this.stale = new Set(this.stale);
      this.stale.delete(symbol);
      this.emit(this.stale);
    }
    this.arm(now + this.staleAfterMs);
  }

  /** Stops tracking `symbol`. */
  forget(symbol: string): void {
    this.touched.delete(symbol);
    if (this.stale.has(symbol)) {
      this.stale = new Set(this.stale);
      this.stale.delete(symbol);
      this.emit(this.stale);
    }
  }

  /** Cancels the timer. */
  dispose(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  private arm(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    this.timer?.unsubscribe();
    this.timerAt = at;
    this.timer = this.scheduler.schedule(
      () => this.check(),
      Math.max(0, at - this.scheduler.now()),
    );
  }

  private check(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.scheduler.now();
    let next = Number.POSITIVE_INFINITY;
    let changed: Set<string> | undefined;
    for (const [symbol, at] of this.touched) {
      if (now - at >= this.staleAfterMs) {
        if (!this.stale.has(symbol)) {
          changed ??= new Set(this.stale);
          changed.add(symbol);
        }
      } else {
        next = Math.min(next, at + this.staleAfterMs);
      }
    }
    if (changed) {
      this.stale = changed;
      this.emit(changed);
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
