import type { RecoveryMessage, Trade } from '@market-stream/core';
import type { RecoveryFailure, RecoveryReport, UnrecoveredSymbol } from '../client/types.js';

/** The trades of one symbol to apply now that its recovery is decided, in `seq` order. */
export interface Release {
  symbol: string;
  trades: Trade[];
  /** The symbol's sequence started again: forget its last `seq` before applying. */
  restart: boolean;
}

interface Waiting {
  since: number;
  trades: Trade[];
  snapshot: Trade | undefined;
}

/**
 * One connection's wait for its `recovery` answers. The symbols sent with a `since` wait here,
 * holding their trades and snapshot entries (the serverless path may deliver live trades
 * before the recovered ones), until an answer names them or the client gives up on them; each
 * decision releases the symbol's trades merged by `seq` for the client to apply. Bounded:
 * `maxHeld` trades over all symbols; past it {@link RecoveryHold.hold} refuses and the owner
 * gives up on every symbol still waiting. Builds the {@link RecoveryReport} as it goes.
 */
export class RecoveryHold {
  private readonly waiting = new Map<string, Waiting>();
  private held = 0;
  private readonly outcome: RecoveryReport = { total: 0, recovered: {}, unrecovered: [] };

  constructor(
    since: ReadonlyMap<string, number>,
    private readonly maxHeld: number,
  ) {
    for (const [symbol, seq] of since) {
      this.waiting.set(symbol, { since: seq, trades: [], snapshot: undefined });
    }
  }

  /** Whether `symbol` still waits for its answer (its trades are to be held). */
  waits(symbol: string): boolean {
    return this.waiting.has(symbol);
  }

  /** Every symbol answered or given up on. */
  get done(): boolean {
    return this.waiting.size === 0;
  }

  /** What came back so far; complete once {@link RecoveryHold.done}. */
  get report(): RecoveryReport {
    return this.outcome;
  }

  /** Holds a trade of a waiting symbol; false, holding nothing, when the hold is full. */
  hold(trade: Trade, snapshot: boolean): boolean {
    const waiting = this.waiting.get(trade.symbol);
    if (!waiting) return false;
    if (this.held >= this.maxHeld) return false;
    waiting.trades.push(trade);
    this.held++;
    if (snapshot) waiting.snapshot = trade;
    return true;
  }

  /** Takes a server's `recovery` answer; releases the symbols it names that still wait. */
  answer(message: RecoveryMessage): Release[] {
    const releases: Release[] = [];
    for (const [symbol, count] of Object.entries(message.recovered)) {
      if (!this.waiting.has(symbol)) continue;
      const trades = typeof count === 'number' && count > 0 ? count : 0;
      this.outcome.recovered[symbol] = trades;
      this.outcome.total += trades;
      releases.push(this.release(symbol, false));
    }
    for (const entry of message.unrecovered) {
      if (!entry || !this.waiting.has(entry.symbol)) continue;
      const lost: UnrecoveredSymbol = { symbol: entry.symbol, reason: entry.reason };
      if (typeof entry.from === 'number' && typeof entry.to === 'number') {
        lost.from = entry.from;
        lost.to = entry.to;
      }
      this.outcome.unrecovered.push(lost);
      releases.push(this.release(entry.symbol, entry.reason === 'AHEAD'));
    }
    return releases;
  }

  /**
   * Gives up on every symbol still waiting and releases what they hold. A snapshot older than
   * a symbol's `since` comes from a server that ignores `since` and whose sequence started
   * again (it sends its newest trade, which would be newer otherwise): treated like `AHEAD`.
   */
  giveUp(reason: Extract<RecoveryFailure, 'TIMEOUT' | 'OVERFLOW'>): Release[] {
    const releases: Release[] = [];
    for (const [symbol, waiting] of this.waiting) {
      const restart = waiting.snapshot !== undefined && waiting.snapshot.seq < waiting.since;
      const release = this.release(symbol, restart);
      const first = release.trades[0]?.seq;
      const lost: UnrecoveredSymbol = { symbol, reason };
      if (!restart && first !== undefined && first > waiting.since + 1) {
        lost.from = waiting.since + 1;
        lost.to = first - 1;
      }
      this.outcome.unrecovered.push(lost);
      releases.push(release);
    }
    return releases;
  }

  /** Stops waiting for `symbol` (unsubscribed), dropping what it holds. */
  forget(symbol: string): void {
    const waiting = this.waiting.get(symbol);
    if (!waiting) return;
    this.held -= waiting.trades.length;
    this.waiting.delete(symbol);
  }

  private release(symbol: string, restart: boolean): Release {
    const waiting = this.waiting.get(symbol) as Waiting;
    this.waiting.delete(symbol);
    this.held -= waiting.trades.length;
    // Array sort is stable: of two trades with one seq, the first held stays first.
    const trades = waiting.trades.sort((a, b) => a.seq - b.seq);
    return { symbol, trades, restart };
  }
}
