import { MinHeap } from './MinHeap.js';

/** What {@link OpenBars} needs of a bar. */
export interface Keyed {
  readonly symbol: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The open bars of {@link toBars}, one per symbol, indexed by symbol and by end time. Bars
 * align to interval boundaries, so many share an end: a Map from end to its bars plus a
 * min-heap of ends makes {@link OpenBars.closeThrough} cost O(bars closed + log ends), never a
 * scan of the bars that stay open. Ends whose bars all left early (their symbol moved on) are
 * dropped from the heap lazily, and the heap is rebuilt once it holds twice the live ends, so
 * memory stays proportional to the open bars. Internal.
 *
 * @example
 * ```ts
 * const bars = new OpenBars<Keyed>();
 * bars.add({ symbol: 'AAPL', start: 0, end: 60_000 });
 * bars.closeThrough(60_000); // [the AAPL bar]
 * ```
 */
export class OpenBars<Bar extends Keyed> {
  private readonly bySymbol = new Map<string, Bar>();
  private readonly byEnd = new Map<number, Set<Bar>>();
  private readonly ends = new MinHeap();

  /** Open bars. */
  get size(): number {
    return this.bySymbol.size;
  }

  /** Distinct end times held in the index, stale ones included (at most 2 × live + 16). */
  get indexedEnds(): number {
    return this.ends.size;
  }

  /** The open bar of `symbol`. */
  get(symbol: string): Bar | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Adds the open bar of a symbol that has none. */
  add(bar: Bar): void {
    this.bySymbol.set(bar.symbol, bar);
    const end = bar.end;
    const bucket = this.byEnd.get(end);
    if (bucket !== undefined) {
      bucket.add(bar);
      return;
    }
    this.byEnd.set(end, new Set([bar]));
    this.ends.push(end);
  }

  /** Removes an open bar (its symbol moved on to a later interval). */
  remove(bar: Bar): void {
    this.bySymbol.delete(bar.symbol);
    const end = bar.end;
    const bucket = this.byEnd.get(end);
    if (bucket === undefined) return;
    bucket.delete(bar);
    if (bucket.size > 0) return;
    this.byEnd.delete(end);
    if (this.ends.size > 2 * this.byEnd.size + 16) this.ends.reset(this.byEnd.keys());
  }

  /**
   * Removes and returns every bar that ends at or before `time`, ordered by start, then symbol.
   *
   * @param time - The watermark; `Infinity` takes them all.
   * @returns The bars closed.
   */
  closeThrough(time: number): Bar[] {
    const closed: Bar[] = [];
    for (let end = this.ends.peek(); end !== undefined && end <= time; end = this.ends.peek()) {
      this.ends.pop();
      const bucket = this.byEnd.get(end);
      if (bucket === undefined) continue;
      this.byEnd.delete(end);
      // Bars of one end share their start too; the symbol orders them.
      const bars = [...bucket].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
      for (const bar of bars) {
        this.bySymbol.delete(bar.symbol);
        closed.push(bar);
      }
    }
    return closed;
  }
}
