/**
 * How a connection receives trades: `all` delivers every trade in `seq` order with nothing
 * skipped; `latest` delivers at most the newest trade per symbol per flush window.
 *
 * @example
 * ```ts
 * import type { DeliveryMode } from '@market-stream/fanout';
 *
 * const mode: DeliveryMode = 'latest';
 * ```
 */
export type DeliveryMode = 'all' | 'latest';

/**
 * What a {@link ConnectionStore} keeps about one client connection.
 *
 * @example
 * ```ts
 * import type { ConnectionRecord } from '@market-stream/fanout';
 *
 * const record: ConnectionRecord = { id: 'abc=', shard: 3, symbols: ['AAPL'], connectedAt: Date.now() };
 * ```
 */
export interface ConnectionRecord {
  /** Transport-assigned connection id (API Gateway's connectionId, or a generated id). */
  id: string;
  /** Shard the connection belongs to: a hash of `id` modulo the shard count. */
  shard: number;
  /** Subscribed symbols, upper-case, no duplicates. */
  symbols: string[];
  /** When the connection was accepted, ms since the epoch. */
  connectedAt: number;
  /** Per-connection delivery mode, when it differs from the engine's. */
  mode?: DeliveryMode;
}

/**
 * Where connections and their subscriptions live, read one shard at a time.
 * Implementations: `MemoryConnectionStore`, `DynamoConnectionStore`.
 *
 * @example
 * ```ts
 * import type { ConnectionStore } from '@market-stream/fanout';
 *
 * async function count(store: ConnectionStore, shards: number): Promise<number> {
 *   let total = 0;
 *   for (let shard = 0; shard < shards; shard++) total += (await store.listShard(shard)).length;
 *   return total;
 * }
 * ```
 */
export interface ConnectionStore {
  /** Adds or replaces a connection. */
  put(record: ConnectionRecord): Promise<void>;
  /** One connection, or `undefined` when unknown. */
  get(id: string): Promise<ConnectionRecord | undefined>;
  /** Replaces a connection's subscription set; a no-op for an unknown id. */
  updateSymbols(id: string, symbols: string[]): Promise<void>;
  /** Forgets a connection; a no-op for an unknown id. */
  remove(id: string): Promise<void>;
  /** Every connection of one shard (a Query, never a Scan, for DynamoDB). */
  listShard(shard: number): Promise<ConnectionRecord[]>;
}

/**
 * What happened to one send: `sent`; `gone` (the connection no longer exists and should be
 * removed); `failed` (a transient failure that was not resolved by the transport's retries).
 *
 * @example
 * ```ts
 * import type { SendOutcome } from '@market-stream/fanout';
 *
 * const outcome: SendOutcome = 'gone';
 * ```
 */
export type SendOutcome = 'sent' | 'gone' | 'failed';

/**
 * Delivers text frames to connections: a local `ws` server, or API Gateway's `@connections` API.
 *
 * @example
 * ```ts
 * import type { Transport } from '@market-stream/fanout';
 *
 * const logging: Transport = {
 *   send: (connectionId, payload) => { console.log(connectionId, payload); return 'sent'; },
 * };
 * ```
 */
export interface Transport {
  /** Sends one text frame to one connection. */
  send(connectionId: string, payload: string): SendOutcome | Promise<SendOutcome>;
  /** Closes a connection with a WebSocket close code and reason, where the transport can. */
  close?(connectionId: string, code: number, reason: string): void | Promise<void>;
  /**
   * Whether a connection cannot take more right now (e.g. a socket's `bufferedAmount` is above
   * its high-water mark). The engine then queues for it, within bounds, instead of sending.
   */
  isBackpressured?(connectionId: string): boolean;
}
