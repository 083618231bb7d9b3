/** Most the window changes in one adjustment, as a factor either way. */
const MAX_STEP = 1.5;
/** A change smaller than this share of the window is not made: it would only chase noise. */
const DEAD_BAND = 0.1;

/**
 * Decides the flush window: sizes it so that flushing takes about `targetLoad` of the time.
 * Internal to the engine.
 *
 * Each window sends about one message per busy connection, so a window's flush cost hardly
 * depends on its length and the load scales as the inverse of the window: the window that
 * meets the target is the current one × load ÷ target. Moving there directly (rather than in
 * fixed steps) settles the window where the load is about the target, instead of alternating
 * between two fixed steps on either side of it, the narrower one overloaded and the wider one
 * adding latency nobody needs.
 */
export class WindowGovernor {
  intervalMs: number;
  /** Duration of the last flush measured, ms. */
  lastFlushMs = 0;
  private periodBusyMs = 0;
  /** Flush load smoothed over the periods judged so far (NaN before the first). */
  private load = Number.NaN;
  private periodStart: number;

  constructor(
    private readonly options: {
      baseMs: number;
      maxMs: number;
      /** Share of the time flushing should take, 0…1. */
      targetLoad: number;
      /** Scheduler time, ms. */
      now: () => number;
      /** A monotonic clock for durations, ms. */
      clock: () => number;
      /** Hears every new window, ms. */
      onResize?: (intervalMs: number) => void;
    },
  ) {
    if (!(options.baseMs > 0)) throw new RangeError('flushIntervalMs must be greater than 0');
    if (!(options.targetLoad > 0 && options.targetLoad < 1)) {
      throw new RangeError(`targetFlushLoad must lie between 0 and 1, got ${options.targetLoad}`);
    }
    this.intervalMs = options.baseMs;
    this.periodStart = options.now();
  }

  /** Marks the start of a flush; pass the result to {@link finish}. */
  start(): number {
    return this.options.clock();
  }

  /** Records a flush and, once four windows' worth of time has passed, adapts the window. */
  finish(started: number): void {
    this.lastFlushMs = Math.max(0, this.options.clock() - started);
    this.periodBusyMs += this.lastFlushMs;
    this.judge();
  }

  /**
   * Records sending done outside a flush (sends made at once), counting `share` (0…1) of its
   * time: the part a wider window would have merged.
   */
  count(started: number, share: number): void {
    this.periodBusyMs += Math.max(0, this.options.clock() - started) * share;
    this.judge();
  }

  /** Once four windows' worth of time has passed, adapts the window to the load. */
  private judge(): void {
    const { baseMs, maxMs, targetLoad } = this.options;
    const now = this.options.now();
    const elapsed = now - this.periodStart;
    // Judged over four windows at a time, and smoothed across them (each period weighs half),
    // so one busy period (a GC pause, a burst) does not move the window on its own.
    if (elapsed < this.intervalMs * 4) return;

    const load = this.periodBusyMs / elapsed;
    this.load = Number.isNaN(this.load) ? load : (this.load + load) / 2;
    this.periodStart = now;
    this.periodBusyMs = 0;

    const before = this.intervalMs;
    const wanted = Math.min(
      before * MAX_STEP,
      Math.max(before / MAX_STEP, (before * this.load) / targetLoad),
    );
    const widest = Math.max(maxMs, baseMs);
    const next = Math.round(Math.min(widest, Math.max(baseMs, wanted)));
    const small = Math.abs(next - before) < before * DEAD_BAND;
    if (next === before || (small && next !== baseMs && next !== widest)) return;
    this.intervalMs = next;
    this.options.onResize?.(next);
    // The load expected at the new window scales with the change (see the class comment).
    this.load *= before / next;
  }
}
