/**
 * Decides the flush window: widens it when flushing takes too much of it (or timers fire late
 * on average, a sign the process is saturated), narrows it back when load falls. Internal to
 * the engine.
 */
export class WindowGovernor {
  intervalMs: number;
  /** Duration of the last flush measured, ms. */
  lastFlushMs = 0;
  /** Cumulative time spent flushing, ms. */
  busyMs = 0;
  private periodBusyMs = 0;
  private lateSumMs = 0;
  private lateCount = 0;
  private periodStart: number;
  private periodCpuStart: number;

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
      /** CPU time this process has used, ms. */
      cpuMs: () => number;
    },
  ) {
    if (!(options.baseMs > 0)) throw new RangeError('flushIntervalMs must be greater than 0');
    this.intervalMs = options.baseMs;
    this.periodStart = options.now();
    this.periodCpuStart = options.cpuMs();
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
    this.lateSumMs += lateMs;
    this.lateCount++;
    const now = this.options.now();
    const elapsed = now - this.periodStart;
    if (elapsed < this.intervalMs) return;

    const load = this.periodBusyMs / elapsed;
    const meanLateMs = this.lateSumMs / this.lateCount;
    const cpuMs = this.options.cpuMs();
    // Late timers call for a wider window only when this process is busy (socket I/O, GC):
    // when other processes starve it of CPU, fewer, larger messages would only add latency.
    const saturated = meanLateMs > this.intervalMs / 2 && cpuMs - this.periodCpuStart > elapsed / 2;
    if (load > widenAbove || saturated) {
      this.intervalMs = Math.min(Math.max(maxMs, baseMs), Math.round(this.intervalMs * 1.5));
    } else if (load < narrowBelow && meanLateMs < this.intervalMs / 4) {
      this.intervalMs = Math.max(baseMs, Math.round(this.intervalMs / 1.5));
    }
    this.periodStart = now;
    this.periodCpuStart = cpuMs;
    this.periodBusyMs = 0;
    this.lateSumMs = 0;
    this.lateCount = 0;
  }
}
