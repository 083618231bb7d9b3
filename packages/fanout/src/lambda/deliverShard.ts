import type { Trade } from '@market-stream/core';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { buildDeliveries } from '../engine/buildDeliveries.js';
import type { ConnectionStore, DeliveryMode, SendOutcome, Transport } from '../types.js';

/**
 * What one shard's fan-out did.
 *
 * @example
 * ```ts
 * import type { ShardReport } from '@market-stream/fanout/lambda';
 *
 * const report: ShardReport = { shard: 3, connections: 120, sent: 80, gone: 1, failed: 1, closed: 1 };
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
  /**
   * Of the `failed` ones, `all`-mode connections closed (DeleteConnection) so that their
   * clients reconnect and recover the missed trades with `since`.
   */
  closed: number;
}

/** The parts {@link deliverShard} sends with. */
export interface DeliverShardParts {
  store: ConnectionStore;
  transport: Pick<Transport, 'send' | 'close'>;
  mode: DeliveryMode;
  /** Receives a close that failed (the connection stays open, its client unaware). */
  onError?: (error: unknown, connectionId: string) => void;
}

/**
 * Sends one batch of trades to one shard: reads the shard from the store (one Query, or the
 * store's cache), builds one `trades` message per connection with only its symbols
 * (`buildDeliveries`, identical sets share a payload), and sends each connection its message
 * once, all through the transport's bounded concurrency.
 *
 * An `all`-mode connection whose send failed for good (not gone) has missed trades it was
 * promised; it is closed through the transport so its client reconnects and recovers them,
 * rather than left open with a silent hole. A `latest`-mode connection is left open: the next
 * batch brings the newest price anyway.
 */
export async function deliverShard(
  parts: DeliverShardParts,
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
    closed: 0,
  };
  const modeOf = new Map(connections.map((record) => [record.id, record.mode ?? parts.mode]));
  const sends: Array<Promise<void>> = [];
  for (const { payload, connectionIds } of buildDeliveries(trades, connections, parts.mode)) {
    for (const id of connectionIds) {
      sends.push(
        Promise.resolve()
          .then(() => parts.transport.send(id, payload))
          .catch((): SendOutcome => 'failed')
          .then(async (outcome) => {
            report[outcome]++;
            if (outcome === 'failed' && modeOf.get(id) === 'all' && (await close(parts, id))) {
              report.closed++;
            }
          }),
      );
    }
  }
  await Promise.all(sends);
  return report;
}

async function close(parts: DeliverShardParts, id: string): Promise<boolean> {
  if (!parts.transport.close) return false;
  try {
    await parts.transport.close(
      id,
      SERVERLESS_DEFAULTS.failedSendCloseCode,
      SERVERLESS_DEFAULTS.failedSendCloseReason,
    );
    return true;
  } catch (error) {
    parts.onError?.(error, id);
    return false;
  }
}
