import type { Trade } from '@market-stream/core';
import type { ConnectionRecord, DeliveryMode } from '../types.js';

/**
 * One serialized `trades` message and every connection it goes to.
 *
 * @example
 * ```ts
 * import type { Delivery } from '@market-stream/fanout';
 *
 * const delivery: Delivery = { payload: '{"type":"trades","trades":[]}', connectionIds: ['a', 'b'] };
 * ```
 */
export interface Delivery {
  /** The text frame, a `trades` message of the wire protocol. */
  payload: string;
  /** Connections that receive exactly this payload. */
  connectionIds: string[];
}

const PREFIX = '{"type":"trades","trades":[';
const SUFFIX = ']}';

/**
 * The `trades` message of one trade, byte-identical to `JSON.stringify({ type: 'trades',
 * trades: [trade] })`. Internal: the engine's direct send.
 *
 * @param trade - The trade.
 * @returns The text frame.
 * @internal
 */
export function oneTradeMessage(trade: Trade): string {
  return PREFIX + JSON.stringify(trade) + SUFFIX;
}

/**
 * Turns one flush window's trades into the `trades` messages of the wire protocol: one message
 * per connection that has an update, holding only its subscribed symbols.
 *
 * Guarantees:
 * - per symbol, trades appear in `seq` order; a trade repeated in `trades` (same symbol and
 *   `seq`) appears once; symbols appear in the order they first occur in `trades`;
 * - in `all` mode every trade of a subscribed symbol is included; in `latest` mode only the
 *   newest (highest `seq`) per symbol; a connection's own `mode` overrides `mode`;
 * - connections that receive the same updates (the same subscribed symbols among those that
 *   traded, the same mode) share one payload, serialized once; each trade is serialized once
 *   per call and payloads are concatenated from those fragments;
 * - connections with no update get nothing; the output is byte-identical to
 *   `JSON.stringify({ type: 'trades', trades })`.
 *
 * Pure and synchronous: the engine calls it per shard per flush window, the serverless stream
 * processor per shard per Kinesis batch.
 *
 * @param trades - The window's trades, any order across symbols.
 * @param connections - The connections to deliver to (e.g. one shard).
 * @param mode - Delivery mode for connections without their own.
 * @returns One entry per distinct payload.
 *
 * @example
 * ```ts
 * import { buildDeliveries } from '@market-stream/fanout';
 *
 * const deliveries = buildDeliveries(trades, await store.listShard(3), 'latest');
 * for (const { payload, connectionIds } of deliveries) {
 *   for (const id of connectionIds) await transport.send(id, payload);
 * }
 * ```
 */
export function buildDeliveries(
  trades: readonly Trade[],
  connections: Iterable<ConnectionRecord>,
  mode: DeliveryMode,
): Delivery[] {
  if (trades.length === 0) return [];
  const index = indexBySymbol(trades);
  const fragments = new Fragments(index.bySymbol);

  // A connection's update set is keyed by a bit mask of symbol ordinals while they fit in a
  // small integer (the common case, and far cheaper than building a string key per connection).
  const byMask = index.bySymbol.length <= 30;
  const groups = new Map<number | string, Group>();
  const picked: number[] = [];
  for (const connection of connections) {
    const connectionMode = connection.mode ?? mode;
    let key: number | string;
    if (byMask) {
      let bits = 0;
      for (const symbol of connection.symbols) {
        const ordinal = index.ordinals.get(symbol);
        if (ordinal !== undefined) bits |= 1 << ordinal;
      }
      if (bits === 0) continue;
      key = connectionMode === 'all' ? -bits : bits;
    } else {
      picked.length = 0;
      for (const symbol of connection.symbols) {
        const ordinal = index.ordinals.get(symbol);
        if (ordinal !== undefined) picked.push(ordinal);
      }
      if (picked.length === 0) continue;
      if (picked.length > 1) picked.sort(byNumber);
      key = `${connectionMode === 'all' ? 'a' : 'l'}${picked.join(',')}`;
    }
    const group = groups.get(key);
    if (group !== undefined) {
      group.ids.push(connection.id);
      continue;
    }
    const symbols = typeof key === 'number' ? ordinalsOf(Math.abs(key)) : [...picked];
    groups.set(key, { mode: connectionMode, symbols, ids: [connection.id] });
  }

  const deliveries: Delivery[] = [];
  for (const group of groups.values()) {
    let body = '';
    for (const ordinal of group.symbols) {
      const fragment = fragments.get(ordinal, group.mode);
      body = body === '' ? fragment : `${body},${fragment}`;
    }
    deliveries.push({ payload: PREFIX + body + SUFFIX, connectionIds: group.ids });
  }
  return deliveries;
}

interface Group {
  mode: DeliveryMode;
  /** Symbol ordinals, ascending. */
  symbols: number[];
  ids: string[];
}

function ordinalsOf(bits: number): number[] {
  const ordinals: number[] = [];
  for (let ordinal = 0; bits !== 0; ordinal++, bits >>>= 1) {
    if (bits & 1) ordinals.push(ordinal);
  }
  return ordinals;
}

function byNumber(a: number, b: number): number {
  return a - b;
}

/** Trades grouped by symbol (seq order, duplicates removed) and each symbol's ordinal. */
function indexBySymbol(trades: readonly Trade[]): {
  ordinals: Map<string, number>;
  bySymbol: Trade[][];
} {
  const ordinals = new Map<string, number>();
  const bySymbol: Trade[][] = [];
  for (const trade of trades) {
    const ordinal = ordinals.get(trade.symbol);
    if (ordinal === undefined) {
      ordinals.set(trade.symbol, bySymbol.length);
      bySymbol.push([trade]);
    } else {
      bySymbol[ordinal]!.push(trade);
    }
  }
  for (let i = 0; i < bySymbol.length; i++) bySymbol[i] = inSeqOrder(bySymbol[i]!);
  return { ordinals, bySymbol };
}

function inSeqOrder(trades: Trade[]): Trade[] {
  let ordered = true;
  for (let i = 1; i < trades.length && ordered; i++) {
    ordered = trades[i]!.seq > trades[i - 1]!.seq;
  }
  if (ordered) return trades;
  const sorted = [...trades].sort((a, b) => a.seq - b.seq);
  return sorted.filter((trade, i) => i === 0 || trade.seq !== sorted[i - 1]!.seq);
}

/** Each symbol's serialized trades, made on first use and reused for every payload. */
class Fragments {
  private readonly all: (string | undefined)[] = [];
  private readonly latest: (string | undefined)[] = [];

  constructor(private readonly bySymbol: readonly Trade[][]) {}

  get(ordinal: number, mode: DeliveryMode): string {
    if (mode === 'latest') {
      let fragment = this.latest[ordinal];
      if (fragment === undefined) {
        const trades = this.bySymbol[ordinal]!;
        fragment = JSON.stringify(trades[trades.length - 1]);
        this.latest[ordinal] = fragment;
      }
      return fragment;
    }
    let fragment = this.all[ordinal];
    if (fragment === undefined) {
      const trades = this.bySymbol[ordinal]!;
      // The newest trade's text is shared with `latest` connections of the same window.
      const last = this.get(ordinal, 'latest');
      fragment =
        trades.length === 1
          ? last
          : `${trades
              .slice(0, -1)
              .map((trade) => JSON.stringify(trade))
              .join(',')},${last}`;
      this.all[ordinal] = fragment;
    }
    return fragment;
  }
}
