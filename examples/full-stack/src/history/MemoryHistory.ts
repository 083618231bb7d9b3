import { type Bar, type Trade, toBars } from '@market-stream/core';
import { type Observable, Subject, type Subscription } from 'rxjs';

/** Trade and bar history kept in this process, for `--in-memory` runs. */
export interface History {
  /** Newest first. */
  trades(symbol: string, limit: number): Promise<Trade[]>;
  /** Newest first. */
  bars(symbol: string, intervalMs: number, limit: number): Promise<Bar[]>;
}

/**
 * A bounded in-memory history: the newest `maxTrades` trades and `maxBars` bars per symbol and
 * interval; older entries are dropped first.
 */
export class MemoryHistory implements History {
  private readonly tradesBySymbol = new Map<string, Trade[]>();
  private readonly barsByKey = new Map<string, Bar[]>();
  private readonly subscription: Subscription;

  constructor(
    source: Observable<Trade>,
    intervals: readonly number[],
    private readonly maxTrades = 1_000,
    private readonly maxBars = 1_000,
  ) {
    const shared = new Subject<Trade>();
    this.subscription = source.subscribe(shared);
    this.subscription.add(
      shared.subscribe((trade) => push(this.tradesBySymbol, trade.symbol, trade, this.maxTrades)),
    );
    for (const intervalMs of intervals) {
      this.subscription.add(
        shared
          .pipe(toBars(intervalMs))
          .subscribe((bar) =>
            push(this.barsByKey, `${bar.symbol}#${intervalMs}`, bar, this.maxBars),
          ),
      );
    }
  }

  async trades(symbol: string, limit: number): Promise<Trade[]> {
    return (this.tradesBySymbol.get(symbol) ?? []).slice(-limit).reverse();
  }

  async bars(symbol: string, intervalMs: number, limit: number): Promise<Bar[]> {
    return (this.barsByKey.get(`${symbol}#${intervalMs}`) ?? []).slice(-limit).reverse();
  }

  close(): void {
    this.subscription.unsubscribe();
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T, max: number): void {
  let list = map.get(key);
  if (list === undefined) {
    list = [];
    map.set(key, list);
  }
  list.push(value);
  // Trim in chunks so the amortized cost per push stays O(1).
  if (list.length > max * 1.25) list.splice(0, list.length - max);
}
