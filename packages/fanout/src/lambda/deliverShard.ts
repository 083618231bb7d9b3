import type { Trade } from '@market-stream/core';
import { buildDeliveries } from '../engine/buildDeliveries.js';
import type { ConnectionStore, DeliveryMode, SendOutcome, Transport } from '../types.js';

/**
 * What one shard's fan-out did.
 *
 * @example
 * ```ts
 * import type { ShardReport } from '@market-stream/fanout/lambda';
 *
 * const report: ShardReport = { shard: 3, connections: 120, sent: 80, gone: 1, failed: 0 };
 * ```
 */
export interface ShardReport {
  /** The shard. */
  shard: number;
  /** Connections in the shard. */
  connections: number;
  /** Connections sent a `trades` message. */
  sent: number;
  /** Connections found gone (410) and removed. */
  gone: number;
  /** Connections whose send failed after retries. */
  failed: number;
}

/**
 * Sends one batch of trades to one shard: reads the shard from the store (one Query, or the
 * store's cache), builds one `trades` message per connection with only its symbols
 * (`buildDeliveries`, identical sets share a payload), and sends each connection its message
 * once, all through the transport's bounded concurrency.
 */
export async function deliverShard(
  parts: { store: ConnectionStore; transport: Pick<Transport, 'send'>; mode: DeliveryMode },
  shard: number,
  trades: readonly Trade[],
): Promise<ShardReport> {
  const connections = await parts.store.listShard(shard);
  const report: ShardReport = {
    shard,
    connections: connections.length,
    sent: 0,
    gone: 0,
    failed: 0,
  };
  const sends: Array<Promise<SendOutcome>> = [];
  for (const { payload, connectionIds } of buildDeliveries(trades, connections, parts.mode)) {
    for (const id of connectionIds) {
      sends.push(
        Promise.resolve()
          .then(() => parts.transport.send(id, payload))
          .catch(() => 'failed' as const),
      );
    }
  }
  for (const outcome of await Promise.all(sends)) report[outcome]++;
  return report;
}
