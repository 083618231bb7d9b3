/** How much one adjustment widens (or narrows) the window. */
const WINDOW_STEP = 1.25;

/**
 * Decides the flush window: widens it when flushing takes too much of it, narrows it back when
 * load falls. Internal to the engine.
 *
 * `narrowBelow` must sit below `widenAbove / WINDOW_STEP`: a window narrowed at that load runs
 * at about `load × WINDOW_STEP`, which then stays under `widenAbove` instead of bouncing back.
 */
export class WindowGovernor {
  intervalMs: number;
  /** Duration of the last flush measured, ms. */
  lastFlushMs = 0;
  /** Cumulative time spent flushing, ms. */
  busyMs = 0;
  private periodBusyMs = 0;
  /** Flush load smoothed over the periods judged so far (NaN before the first). */
  private load = Number.NaN;
  /** Moving average of how late timers fired for reasons not our own, ms (a health figure). */
  meanLateMs = 0;
  private periodStart: number;

  constructor(
    private readonly options: {
      baseMs: number;
      maxMs: number;
      widenAbove: number;
      narrowBelow: number;
      /** Scheduler time, ms. */
      now: () => number;
      /** A monotonic clock for durations, ms. */
      clock: () => number;
    },
  ) {
    if (!(options.baseMs > 0)) throw new RangeError('flushIntervalMs must be greater than 0');
    this.intervalMs = options.baseMs;
    this.periodStart = options.now();
  }

  /** Marks the start of a flush; pass the result to {@link finish}. */
  start(): number {
    return this.options.clock();
  }

  /** Records a flush and, once a window's worth of time has passed, adapts the window. */
  finish(started: number, lateMs: number): void {
    const { baseMs, maxMs, widenAbove, narrowBelow } = this.options;
    this.lastFlushMs = Math.max(0, this.options.clock() - started);
    this.busyMs += this.lastFlushMs;
    this.periodBusyMs += this.lastFlushMs;
    this.meanLateMs += (lateMs - this.meanLateMs) / 8;
    const now = this.options.now();
    const elapsed = now - this.periodStart;
    // Judged over four windows at a time, and smoothed across them (each period weighs half),
    // so one busy period (a GC pause, a burst) does not move the window on its own.
    if (elapsed < this.intervalMs * 4) return;

    // Flush cost is CPU time, so only our own work widens the window: timers that fire late
    // because other processes hold the CPU are left alone (a wider window would only add latency).
    const load = this.periodBusyMs / elapsed;
    this.load = Number.isNaN(this.load) ? load : (this.load + load) / 2;
    const before = this.intervalMs;
    if (this.load > widenAbove) {
      this.intervalMs = Math.min(Math.max(maxMs, baseMs), Math.round(before * WINDOW_STEP));
    } else if (this.load < narrowBelow) {
      this.intervalMs = Math.max(baseMs, Math.round(before / WINDOW_STEP));
    }
    // Each window sends about one message per busy connection, so the cost of a window hardly
    // depends on its length: the load expected at the new window scales with the change.
    this.load *= before / this.intervalMs;
    this.periodStart = now;
    this.periodBusyMs = 0;
  }
}
