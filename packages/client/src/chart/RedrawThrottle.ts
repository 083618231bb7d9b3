import type { Bar } from '@market-stream/core';

/**
 * Coalesces a chart's live bar updates to at most one draw per `intervalMs`: the first update
 * draws at once, later ones within the interval keep only the newest bar, drawn when the
 * interval ends. A pending bar is drawn before a newer bar replaces it, so no bar's final
 * state is skipped. A candle ticking ten times a second then repaints four times a second,
 * which looks as live and costs the frame budget a fraction.
 *
 * @example
 * ```ts
 * const redraw = new RedrawThrottle(250, (bar) => view.update(bar));
 * redraw.push(bar); // drawn now; the next within 250 ms waits for the interval's end
 * ```
 */
export class RedrawThrottle {
  private pending: Bar | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param intervalMs - Shortest time between two draws; 0 draws every update.
   * @param draw - Draws one bar (the newest, or the one a newer bar is about to replace).
   */
  constructor(
    private readonly intervalMs: number,
    private readonly draw: (bar: Bar) => void,
  ) {}

  /** Draws `bar` now, or keeps it for the end of the interval. */
  push(bar: Bar): void {
    if (this.pending !== undefined && this.pending.start !== bar.start) this.drawPending();
    if (this.timer === undefined) {
      this.draw(bar);
      if (this.intervalMs > 0) this.timer = setTimeout(this.tick, this.intervalMs);
      return;
    }
    this.pending = bar;
  }

  /** Drops what waits and stops the timer (a reload or a detached element). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.pending === undefined) return;
    this.drawPending();
    this.timer = setTimeout(this.tick, this.intervalMs);
  };

  private drawPending(): void {
    const bar = this.pending!;
    this.pending = undefined;
    this.draw(bar);
  }
}
