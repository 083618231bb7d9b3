import type { Trade } from '@market-stream/core';

/**
 * Estimated heap per kept trade, bytes: the trade object as decoded from JSON (~150), its entry
 * (arrival time, links) and its slots in the two queues, measured with V8 on Node 20 at ~220.
 * The trade is often shared with the symbol book and the shards, so this is an upper bound of
 * what the buffer adds.
 */
export const REPLAY_BYTES_PER_TRADE = 220;

/**
 * The replay buffer's bounds, every one filled in (`ENGINE_DEFAULTS.replay*`). Internal.
 */
export interface ReplayBounds {
  /** Trades kept per symbol; past it the symbol's oldest goes. */
  readonly tradesPerSymbol: number;
  /** Trades kept over all symbols; past it the oldest of all goes, whatever its symbol. */
  readonly maxTrades: number;
  /** How long a trade is kept from its arrival, ms (scheduler time). */
  readonly maxAgeMs: number;
}

/** One kept trade: in its symbol's list and in the arrival order of all. */
interface Entry {
  readonly trade: Trade;
  readonly at: number;
  /** Cleared when it leaves its symbol's list, so the arrival queue can skip it. */
  live: boolean;
}

/** Entries of one symbol, `seq` order, oldest at `head`. */
interface SymbolEntries {
  items: Entry[];
  head: number;
}

/** Dead slots tolerated at the front of a queue before it is compacted. */
const COMPACT_AT = 1_024;

/**
 * The engine's bounded memory of recent trades, for a subscribe's `since`: every trade the
 * engine accepted, per symbol in `seq` order, bounded by a count per symbol, a count over all
 * symbols (oldest first, across symbols) and an age from arrival on the engine's clock. Expired
 * trades leave when a trade is pushed or a symbol is looked up (no timer per trade). Push is
 * amortized O(1); a lookup of the trades after a `seq` is O(log n) plus the trades copied.
 * Internal.
 */
export class ReplayBuffer {
  private readonly symbols = new Map<string, SymbolEntries>();
  /** Every entry in arrival order; entries no longer live are skipped and compacted away. */
  private arrivals: Entry[] = [];
  private arrivalsHead = 0;
  private held = 0;

  constructor(
    private readonly bounds: ReplayBounds,
    private readonly now: () => number,
  ) {}

  /** Trades kept now. */
  get size(): number {
    return this.held;
  }

  /** Estimated heap the kept trades take, bytes ({@link REPLAY_BYTES_PER_TRADE} each). */
  get bytes(): number {
    return this.held * REPLAY_BYTES_PER_TRADE;
  }

  /**
   * Keeps a trade the engine accepted as its symbol's newest. A `seq` not above the symbol's
   * last kept one means its sequence started again (the book forgot the symbol): what was kept
   * of it goes first, so a symbol's trades stay in `seq` order.
   */
  push(trade: Trade): void {
    const now = this.now();
    this.expire(now);
    let list = this.symbols.get(trade.symbol);
    if (list === undefined) {
      list = { items: [], head: 0 };
      this.symbols.set(trade.symbol, list);
    } else {
      const last = list.items[list.items.length - 1];
      if (last !== undefined && last.trade.seq >= trade.seq) this.clear(list);
    }
    const entry: Entry = { trade, at: now, live: true };
    list.items.push(entry);
    this.arrivals.push(entry);
    this.held++;
    if (list.items.length - list.head > this.bounds.tradesPerSymbol) this.dropOldest(list);
    while (this.held > this.bounds.maxTrades) this.dropFirstArrived();
    this.compactArrivals();
  }

  /**
   * How many kept trades of `symbol` have a `seq` above `since`, when the kept range reaches
   * back to `since` + 1 (so nothing between is missing); `undefined` when it does not.
   */
  countAfter(symbol: string, since: number): number | undefined {
    this.expire(this.now());
    const list = this.symbols.get(symbol);
    if (list === undefined) return undefined;
    const first = list.items[list.head]!;
    if (first.trade.seq > since + 1) return undefined;
    return list.items.length - firstAbove(list, since);
  }

  /** The kept trades of `symbol` with a `seq` above `since`, in `seq` order. */
  tradesAfter(symbol: string, since: number): Trade[] {
    const list = this.symbols.get(symbol);
    if (list === undefined) return [];
    const trades: Trade[] = [];
    for (let i = firstAbove(list, since); i < list.items.length; i++) {
      trades.push(list.items[i]!.trade);
    }
    return trades;
  }

  /** Drops what arrived `maxAgeMs` or longer ago. */
  private expire(now: number): void {
    const cutoff = now - this.bounds.maxAgeMs;
    while (this.arrivalsHead < this.arrivals.length) {
      const entry = this.arrivals[this.arrivalsHead]!;
      if (!entry.live) {
        this.arrivalsHead++;
        continue;
      }
      if (entry.at > cutoff) return;
      this.dropFirstArrived();
    }
  }

  /** Drops the first arrived entry that is still live (it leads its symbol's list). */
  private dropFirstArrived(): void {
    while (this.arrivalsHead < this.arrivals.length) {
      const entry = this.arrivals[this.arrivalsHead++]!;
      if (!entry.live) continue;
      this.dropOldest(this.symbols.get(entry.trade.symbol)!);
      return;
    }
  }

  /** Drops the oldest entry of a symbol's list (and the list when it empties). */
  private dropOldest(list: SymbolEntries): void {
    const entry = list.items[list.head]!;
    entry.live = false;
    this.held--;
    list.head++;
    if (list.head === list.items.length) {
      this.symbols.delete(entry.trade.symbol);
    } else if (list.head >= COMPACT_AT && list.head * 2 >= list.items.length) {
      list.items = list.items.slice(list.head);
      list.head = 0;
    }
  }

  private clear(list: SymbolEntries): void {
    for (let i = list.head; i < list.items.length; i++) list.items[i]!.live = false;
    this.held -= list.items.length - list.head;
    list.items = [];
    list.head = 0;
  }

  /**
   * Keeps the arrival queue within a constant factor of what is held: its dead front is cut,
   * and dead entries elsewhere (dropped by the per-symbol bound) are filtered out.
   */
  private compactArrivals(): void {
    const length = this.arrivals.length - this.arrivalsHead;
    if (this.arrivalsHead >= COMPACT_AT && this.arrivalsHead * 2 >= this.arrivals.length) {
      this.arrivals = this.arrivals.slice(this.arrivalsHead);
      this.arrivalsHead = 0;
    } else if (length >= COMPACT_AT && length > 2 * this.held) {
      this.arrivals = this.arrivals.slice(this.arrivalsHead).filter((entry) => entry.live);
      this.arrivalsHead = 0;
    }
  }
}

/** Index of the first entry of `list` with a `seq` above `since` (binary search). */
function firstAbove(list: SymbolEntries, since: number): number {
  let low = list.head;
  let high = list.items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list.items[middle]!.trade.seq > since) high = middle;
    else low = middle + 1;
  }
  return low;
}
