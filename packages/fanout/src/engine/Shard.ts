import type { Trade } from '@market-stream/core';
import type { Subscription } from 'rxjs';
import type { Connection } from './Connection.js';

/**
 * One shard of the engine: its connections, how many of them hold each symbol, the trades
 * waiting for its next flush and its own timer. Internal.
 */
export class Shard {
  readonly connections = new Map<string, Connection>();
  /** Subscribers per symbol, by mode, so trades nobody here wants are never buffered. */
  readonly subscribers = new Map<string, { all: number; latest: number }>();
  /** Trades since the last flush, arrival order (bounded by `maxPendingTrades`). */
  pending: Trade[] = [];
  /** Connections the next flush treats one by one (snapshot floors, backlogs). */
  readonly special = new Set<Connection>();
  timer: Subscription | undefined;
  /** When the shard last flushed, in scheduler time. */
  lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(readonly index: number) {}

  wants(symbol: string): boolean {
    return this.subscribers.has(symbol);
  }

  count(symbols: readonly string[], connection: Connection, delta: 1 | -1): void {
    for (const symbol of symbols) {
      let counts = this.subscribers.get(symbol);
      if (counts === undefined) {
        counts = { all: 0, latest: 0 };
        this.subscribers.set(symbol, counts);
      }
      counts[connection.mode] += delta;
      if (counts.all <= 0 && counts.latest <= 0) this.subscribers.delete(symbol);
    }
  }
}
