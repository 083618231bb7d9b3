/**
 * The event-time watermarks of {@link toBars}. Each symbol's clock is the newest timestamp it
 * traded. Once more than `quorum` symbols have traded, the watermark is the `quorum`-th newest
 * clock, so one symbol's outlying timestamps alone never move it; before that it is the newest
 * clock but one (the newest, with one or two symbols), so in a stream of two symbols the other
 * one's clock still closes a quiet symbol's bar. {@link SymbolClocks.settled} is the same
 * watermark once it has its quorum, `-Infinity` before: it only grows. Clocks only grow, so only
 * the newest `quorum + 1` clocks can ever matter: memory and work per trade are O(quorum).
 * Internal.
 *
 * @example
 * ```ts
 * const clocks = new SymbolClocks(2);
 * clocks.observe('AAPL', 1_000);
 * clocks.observe('TSLA', 2_000);
 * clocks.watermark(); // 2000
 * clocks.observe('FAKE', 9e15);
 * clocks.watermark(); // 2000: the 2nd newest clock
 * ```
 */
export class SymbolClocks {
  /** The newest clocks, newest first, distinct symbols, at most `quorum + 1`. */
  private readonly newest: { symbol: string; clock: number }[] = [];

  constructor(private readonly quorum: number) {}

  /** Moves `symbol`'s clock to `timestamp` if that is newer. */
  observe(symbol: string, timestamp: number): void {
    const newest = this.newest;
    let index = newest.findIndex((entry) => entry.symbol === symbol);
    if (index >= 0) {
      if (timestamp <= newest[index]!.clock) return;
      newest[index]!.clock = timestamp;
    } else if (newest.length <= this.quorum) {
      index = newest.push({ symbol, clock: timestamp }) - 1;
    } else {
      index = newest.length - 1;
      // A symbol outside the newest few has a clock below all of theirs, so it only enters
      // with a newer timestamp, and its older clock never matters again.
      if (timestamp <= newest[index]!.clock) return;
      newest[index] = { symbol, clock: timestamp };
    }
    while (index > 0 && newest[index - 1]!.clock < newest[index]!.clock) {
      [newest[index - 1], newest[index]] = [newest[index]!, newest[index - 1]!];
      index--;
    }
  }

  /** The watermark bars close on: `-Infinity` before any trade. */
  watermark(): number {
    const k = Math.max(1, Math.min(this.quorum, this.newest.length - 1));
    return this.newest[k - 1]?.clock ?? Number.NEGATIVE_INFINITY;
  }

  /** The watermark once more than `quorum` symbols have traded, `-Infinity` before; only grows. */
  settled(): number {
    return this.newest.length > this.quorum
      ? this.newest[this.quorum - 1]!.clock
      : Number.NEGATIVE_INFINITY;
  }
}
