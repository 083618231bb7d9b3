import { type Trade, validateTrade } from '@market-stream/core';

/**
 * The newest trade of each symbol the primary of `serveFanout({ workers })` forwarded, to prime
 * a (re)started worker with, so its snapshots are never empty. It admits what the engine would
 * keep as a symbol's newest: a valid trade whose `seq` is above the one held and at most
 * `maxSeqGap` past it, for at most `maxSymbols` symbols. Internal.
 */
export class PrimingBook {
  private readonly bySymbol = new Map<string, Trade>();

  constructor(private readonly limits: { maxSeqGap: number; maxSymbols: number }) {}

  /** Keeps `trade` when it is its symbol's newest by the engine's rules. */
  offer(trade: Trade): void {
    const held = this.bySymbol.get(trade.symbol);
    if (held === undefined && this.bySymbol.size >= this.limits.maxSymbols) return;
    const verdict = validateTrade(trade, {
      lastSeq: () => held?.seq,
      maxSeqGap: this.limits.maxSeqGap,
    });
    if (verdict.ok) this.bySymbol.set(trade.symbol, trade);
  }

  /** The newest trade of each symbol. */
  trades(): Trade[] {
    return [...this.bySymbol.values()];
  }
}
