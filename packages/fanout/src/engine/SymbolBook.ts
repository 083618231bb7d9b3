import type { Trade } from '@market-stream/core';
import { ENGINE_DEFAULTS } from '../defaults.js';
import { SequenceGapError, SymbolLimitError } from '../errors.js';
import type { FanoutMetrics } from '../metrics/FanoutMetrics.js';

/**
 * The engine's book of symbols: the newest trade of each (the snapshot source and the duplicate
 * filter, at most `maxSymbols` of them), how many connections hold each, and which are idle.
 * It decides whether a source trade goes on. Internal.
 */
export class SymbolBook {
  /** Newest trade per symbol (≤ maxSymbols). */
  private readonly latest = new Map<string, Trade>();
  /**
   * Symbols of `latest` nobody subscribes to, idle longest first (since their last trade or
   * their last subscriber leaving): evicted first.
   */
  private readonly idle = new Set<string>();
  /** Connections holding each symbol, across shards. */
  private readonly subscribers = new Map<string, number>();
  /** When a sequence gap of each symbol was last reported to `onError`. */
  private readonly gapReportedAt = new Map<string, number>();
  private limitReportedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: {
      maxSeqGap: number;
      maxSymbols: number;
      metrics: FanoutMetrics;
      now: () => number;
      onError: (error: unknown) => void;
    },
  ) {}

  /** The newest trade of `symbol`, if the book keeps one. */
  newest(symbol: string): Trade | undefined {
    return this.latest.get(symbol);
  }

  /**
   * Records a (valid) source trade as its symbol's newest, or refuses it: a duplicate or older
   * `seq` (`stale`), a jump past `maxSeqGap` (`seq_gap`), a new symbol when the book is full of
   * subscribed ones (`symbol_limit`). Every check is O(1).
   *
   * @returns Whether the trade goes on to the shards.
   */
  accept(trade: Trade): boolean {
    const { symbol } = trade;
    const { metrics, maxSymbols, maxSeqGap } = this.options;
    const previous = this.latest.get(symbol);
    if (previous === undefined) {
      if (this.latest.size >= maxSymbols && !this.evictIdle(symbol)) return false;
      if (!this.subscribers.has(symbol)) this.idle.add(symbol);
    } else {
      if (trade.seq <= previous.seq) {
        metrics.drop('stale');
        return false;
      }
      if (trade.seq - previous.seq > maxSeqGap) {
        this.refuseGap(previous, trade);
        return false;
      }
      // Moves the symbol to the back of the eviction order, if it is idle at all.
      if (this.idle.delete(symbol)) this.idle.add(symbol);
    }
    this.latest.set(symbol, trade);
    metrics.symbols = this.latest.size;
    return true;
  }

  /** Counts subscribers in (`1`) or out (`-1`); a symbol nobody holds becomes evictable. */
  count(symbols: readonly string[], delta: 1 | -1): void {
    for (const symbol of symbols) {
      const count = (this.subscribers.get(symbol) ?? 0) + delta;
      if (count > 0) {
        this.subscribers.set(symbol, count);
        this.idle.delete(symbol);
      } else {
        this.subscribers.delete(symbol);
        if (this.latest.has(symbol)) this.idle.add(symbol);
      }
    }
  }

  /** Makes room for `symbol` by forgetting the symbol idle longest, if any. */
  private evictIdle(symbol: string): boolean {
    const oldest = this.idle.values().next();
    if (oldest.done) {
      this.options.metrics.drop('symbol_limit');
      const now = this.options.now();
      if (now - this.limitReportedAt >= ENGINE_DEFAULTS.errorReportIntervalMs) {
        this.limitReportedAt = now;
        this.options.onError(new SymbolLimitError(symbol, this.options.maxSymbols));
      }
      return false;
    }
    this.idle.delete(oldest.value);
    this.latest.delete(oldest.value);
    this.gapReportedAt.delete(oldest.value);
    return true;
  }

  private refuseGap(previous: Trade, trade: Trade): void {
    this.options.metrics.drop('seq_gap');
    const now = this.options.now();
    const reportedAt = this.gapReportedAt.get(trade.symbol) ?? Number.NEGATIVE_INFINITY;
    if (now - reportedAt < ENGINE_DEFAULTS.errorReportIntervalMs) return;
    this.gapReportedAt.set(trade.symbol, now);
    this.options.onError(
      new SequenceGapError(trade.symbol, previous.seq, trade.seq, this.options.maxSeqGap),
    );
  }
}
