import type { Connection } from './Connection.js';

/** What a shard's flush learns from {@link HeldConnections.take}. */
export interface HeldWindow {
  /** Each connection that missed a pending trade, and the index of the first it missed. */
  readonly from: ReadonlyMap<Connection, number>;
  /** Connections sent at once a trade that is also pending: they take only what they missed. */
  readonly partial: ReadonlySet<Connection>;
}

/**
 * The connections of one shard held for its next flush (`directSend`): they missed a pending
 * trade, so nothing goes to them at once until the flush, and per symbol nothing overtakes.
 * Counts them per symbol, so a trade whose subscribers are all held is pended without visiting
 * them (the busy case). Internal to {@link Shard}.
 */
export class HeldConnections {
  private from = new Map<Connection, number>();
  private partial = new Set<Connection>();
  /** Held connections per subscribed symbol. */
  private perSymbol = new Map<string, number>();

  /** Whether `connection` waits for the flush. */
  has(connection: Connection): boolean {
    return this.from.has(connection);
  }

  /** Whether all `subscribers` holders of `symbol` wait for the flush. */
  holdAll(symbol: string, subscribers: number): boolean {
    return (this.perSymbol.get(symbol) ?? 0) >= subscribers;
  }

  /** Holds `connection` from the pending trade at `index` on, unless it is held already. */
  hold(connection: Connection, index: number): void {
    if (this.from.has(connection)) return;
    this.from.set(connection, index);
    this.tally(connection.symbols, 1);
  }

  /** `connection` was sent at once a trade that also waits for the flush. */
  sentPart(connection: Connection): void {
    this.partial.add(connection);
  }

  /** Follows a change of a connection's symbols (`1` added, `-1` removed). */
  count(symbols: readonly string[], connection: Connection, delta: 1 | -1): void {
    if (this.from.has(connection)) this.tally(symbols, delta);
  }

  /** Forgets a connection. */
  delete(connection: Connection): void {
    if (this.from.delete(connection)) this.tally(connection.symbols, -1);
    this.partial.delete(connection);
  }

  /** Hands the window's held connections to the flush and starts the next window empty. */
  take(): HeldWindow {
    const window = { from: this.from, partial: this.partial };
    this.from = new Map();
    this.partial = new Set();
    this.perSymbol = new Map();
    return window;
  }

  private tally(symbols: readonly string[], delta: 1 | -1): void {
    for (const symbol of symbols) {
      const held = (this.perSymbol.get(symbol) ?? 0) + delta;
      if (held > 0) this.perSymbol.set(symbol, held);
      else this.perSymbol.delete(symbol);
    }
  }
}
