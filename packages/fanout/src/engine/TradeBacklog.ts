import type { Trade } from '@market-stream/core';
import type { ConnectionRecord, DeliveryMode } from '../types.js';
import { buildDeliveries } from './buildDeliveries.js';
import { tradesMessage } from './tradesMessage.js';

/**
 * The trades waiting for one connection that could not take them when they came: in `latest`
 * mode only the newest per symbol (fresh prices when it catches up), in `all` mode every one.
 * They leave as one `trades` message. Internal to {@link Connection}.
 */
export class TradeBacklog {
  /** `latest` mode: the newest undelivered trade per symbol. */
  private latest: Map<string, Trade> | undefined;
  /** `all` mode: every undelivered trade, arrival order. */
  private all: Trade[] | undefined;

  constructor(
    private readonly mode: DeliveryMode,
    /** Told each time a held trade is replaced by a newer one (`latest` mode). */
    private readonly onConflated: () => void,
  ) {}

  /** How many trades wait. */
  get size(): number {
    return this.latest?.size ?? this.all?.length ?? 0;
  }

  /**
   * Holds the trades of `subscribed` symbols.
   *
   * @returns How many trades wait now.
   */
  add(trades: readonly Trade[], subscribed: ReadonlySet<string>): number {
    if (this.mode === 'latest') {
      this.latest ??= new Map();
      const pending = this.latest;
      for (const trade of trades) {
        if (!subscribed.has(trade.symbol)) continue;
        const held = pending.get(trade.symbol);
        if (held !== undefined && held.seq >= trade.seq) continue;
        if (held !== undefined) this.onConflated();
        pending.set(trade.symbol, trade);
      }
      return pending.size;
    }
    this.all ??= [];
    const pending = this.all;
    for (const trade of trades) {
      if (subscribed.has(trade.symbol)) pending.push(trade);
    }
    return pending.length;
  }

  /** Drops what waits of `symbols` (re-subscribed: their snapshot supersedes it). */
  forget(symbols: readonly string[]): void {
    if (symbols.length === 0) return;
    for (const symbol of symbols) this.latest?.delete(symbol);
    if (this.all !== undefined) {
      const dropped = new Set(symbols);
      this.all = this.all.filter((trade) => !dropped.has(trade.symbol));
    }
  }

  /**
   * Empties the backlog into one `trades` message: per symbol in `seq` order, symbols in the
   * order of `symbols` (`latest`) or of their first trade (`all`).
   *
   * @param connection - Whose backlog it is (its subscribed symbols, sorted).
   * @returns The message, or `undefined` when nothing waits.
   */
  take(connection: ConnectionRecord): string | undefined {
    const latest = this.latest;
    const all = this.all;
    this.latest = undefined;
    this.all = undefined;
    if (latest !== undefined && latest.size > 0) {
      const fresh: Trade[] = [];
      for (const symbol of connection.symbols) {
        const trade = latest.get(symbol);
        if (trade !== undefined) fresh.push(trade);
      }
      return fresh.length > 0
        ? tradesMessage(fresh.map((trade) => JSON.stringify(trade)))
        : undefined;
    }
    if (all === undefined || all.length === 0) return undefined;
    return buildDeliveries(all, [connection], 'all')[0]?.payload;
  }
}
