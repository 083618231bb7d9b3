import { SEQUENCE_TRACKER_DEFAULTS } from '../defaults.js';
import type { Trade } from '../trade.js';

/**
 * Options of {@link SequenceTracker}.
 *
 * @example
 * ```ts
 * import type { SequenceTrackerOptions } from '@market-stream/core';
 *
 * const options: SequenceTrackerOptions = { maxSymbols: 1_000, idleMs: 15 * 60_000 };
 * ```
 */
export interface SequenceTrackerOptions {
  /**
   * Most symbols tracked at once; a new symbol past it is refused unless the least recently
   * seen symbol has been quiet for `idleMs`.
   * @default 10000 (`SEQUENCE_TRACKER_DEFAULTS.maxSymbols`)
   */
  maxSymbols?: number;
  /**
   * Quiet time, ms, after which a symbol may be forgotten to make room for a new one.
   * `Infinity` never forgets: the first `maxSymbols` symbols stay for the tracker's life.
   * @default 3600000 (`SEQUENCE_TRACKER_DEFAULTS.idleMs`, one hour)
   */
  idleMs?: number;
  /**
   * The clock idle time is measured with, ms.
   * @default Date.now
   */
  now?: () => number;
}

/**
 * The last `seq` of each symbol an ingest door has let in, bounded: what
 * {@link validateTrade}'s `lastSeq` option needs to hold ingested trades to their symbol's
 * sequence. It holds at most `maxSymbols` symbols (about 100 bytes each); when full, a new
 * symbol takes the place of the least recently seen one only if that one has been quiet for
 * `idleMs`, otherwise {@link SequenceTracker.observe} refuses it (returns `false`), so a flood
 * of new symbols can neither grow memory nor push out the sequences of symbols that trade.
 * Every operation is O(1).
 *
 * @example
 * ```ts
 * import { SequenceTracker, validateTrade } from '@market-stream/core';
 *
 * const sequences = new SequenceTracker({ maxSymbols: 1_000 });
 * const result = validateTrade(body, { lastSeq: (symbol) => sequences.last(symbol) });
 * if (result.ok && !sequences.observe(result.trade)) reply(429, 'too many symbols');
 * ```
 */
export class SequenceTracker {
  /** Symbol → its last `seq` and when it was seen; Map order is least recently seen first. */
  private readonly entries = new Map<string, { seq: number; seenAt: number }>();
  private readonly maxSymbols: number;
  private readonly idleMs: number;
  private readonly now: () => number;

  /**
   * @param options - See {@link SequenceTrackerOptions}.
   */
  constructor(options: SequenceTrackerOptions = {}) {
    this.maxSymbols = options.maxSymbols ?? SEQUENCE_TRACKER_DEFAULTS.maxSymbols;
    this.idleMs = options.idleMs ?? SEQUENCE_TRACKER_DEFAULTS.idleMs;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxSymbols) || this.maxSymbols < 1) {
      throw new RangeError(`maxSymbols must be a positive integer, got ${this.maxSymbols}`);
    }
    if (!(this.idleMs >= 0)) throw new RangeError(`idleMs must be ≥ 0, got ${this.idleMs}`);
  }

  /** Symbols tracked now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The last `seq` observed for `symbol`, or `undefined` when it is not tracked.
   *
   * @param symbol - The symbol.
   * @returns Its last `seq`.
   */
  last(symbol: string): number | undefined {
    return this.entries.get(symbol)?.seq;
  }

  /**
   * Whether {@link SequenceTracker.observe} would take a trade of `symbol` now: it is tracked,
   * there is room, or the least recently seen symbol is idle. Lets a door refuse a whole batch
   * before it observes any of it.
   *
   * @param symbol - The symbol.
   * @returns `true` when a trade of it would be tracked.
   */
  canObserve(symbol: string): boolean {
    return this.entries.has(symbol) || this.entries.size < this.maxSymbols || this.idleOldest();
  }

  /**
   * Records an accepted trade: its `seq` becomes the symbol's last (a lower one never moves it
   * back) and the symbol the most recently seen. A new symbol when the tracker is full forgets
   * the least recently seen symbol if it has been idle for `idleMs`, or is refused.
   *
   * @param trade - The accepted trade (its `symbol` and `seq`).
   * @returns `true` when tracked; `false` when refused because the tracker is full.
   */
  observe(trade: Pick<Trade, 'symbol' | 'seq'>): boolean {
    const known = this.entries.get(trade.symbol);
    const now = this.now();
    if (known !== undefined) {
      this.entries.delete(trade.symbol);
      this.entries.set(trade.symbol, { seq: Math.max(known.seq, trade.seq), seenAt: now });
      return true;
    }
    if (this.entries.size >= this.maxSymbols) {
      if (!this.idleOldest()) return false;
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(trade.symbol, { seq: trade.seq, seenAt: now });
    return true;
  }

  /**
   * Forgets a symbol (a no-op when it is not tracked).
   *
   * @param symbol - The symbol.
   */
  forget(symbol: string): void {
    this.entries.delete(symbol);
  }

  private idleOldest(): boolean {
    const oldest = this.entries.values().next();
    return !oldest.done && this.now() - oldest.value.seenAt >= this.idleMs;
  }
}
