/**
 * Decides the flush window: widens it when flushing takes too much of it, narrows it back when
 * load falls. Internal to the engine.
 */
export class WindowGovernor {
  intervalMs: number;
  /** Duration of the last flush measured, ms. */
  lastFlushMs = 0;
  /** Cumulative time spent flushing, ms. */
  busyMs = 0;
  private periodBusyMs = 0;
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
    // Judged over four windows, so one busy flush (a GC pause, a burst) does not move it.
    if (elapsed < this.intervalMs * 4) return;

    // Flush cost is CPU time, so only our own work widens the window: timers that fire late
    // because other processes hold the CPU are left alone (a wider window would only add latency).
    const load = this.periodBusyMs / elapsed;
    if (load > widenAbove) {
      this.intervalMs = Math.min(Math.max(maxMs, baseMs), Math.round(this.intervalMs * 1.5));
    } else if (load < narrowBelow) {
      this.intervalMs = Math.max(baseMs, Math.round(this.intervalMs / 1.5));
    }
    this.periodStart = now;
    this.periodBusyMs = 0;
  }
}
