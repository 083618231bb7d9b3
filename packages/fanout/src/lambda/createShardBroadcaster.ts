import type { Trade } from '@market-stream/core';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import type { ConnectionStore, DeliveryMode, Transport } from '../types.js';
import { deliverShard, type ShardReport } from './deliverShard.js';

/**
 * The event a shard broadcaster receives from the stream processor.
 *
 * @example
 * ```ts
 * import type { BroadcastRequest } from '@market-stream/fanout/lambda';
 *
 * const request: BroadcastRequest = { shard: 3, mode: 'latest', trades: [] };
 * ```
 */
export interface BroadcastRequest {
  /** The shard to fan out. */
  shard: number;
  /** Delivery mode of connections without their own. */
  mode: DeliveryMode;
  /** The batch's trades (in `latest`, already the newest per symbol). */
  trades: Trade[];
}

/**
 * Options of {@link createShardBroadcaster}.
 *
 * @example
 * ```ts
 * import type { ShardBroadcasterOptions } from '@market-stream/fanout/lambda';
 *
 * const options: ShardBroadcasterOptions = { store, transport };
 * ```
 */
export interface ShardBroadcasterOptions {
  /** The connection store. */
  store: ConnectionStore;
  /** Sends the `trades` messages and closes connections (an API Gateway transport). */
  transport: Pick<Transport, 'send' | 'close'>;
  /**
   * Mode used when a request names none.
   * @default 'latest'
   */
  mode?: DeliveryMode;
  /**
   * Receives each shard's report before it is returned (an asynchronous invoke's result is
   * seen by no one but an on-success destination).
   * @default () => {}
   */
  onShardReport?: (report: ShardReport) => void;
  /**
   * Receives a failed close of an `all`-mode connection whose send failed.
   * @default () => {}
   */
  onError?: (error: unknown, connectionId: string) => void;
}

/**
 * A per-shard broadcaster for large deployments: the stream processor invokes one per shard
 * (asynchronously) instead of sending every message itself, so the sends of a batch are
 * spread over many concurrent functions. Same delivery as the processor: one Query (or cached
 * read) of the shard, one `trades` message per connection with updates, 410 → removed, an
 * `all`-mode connection whose send failed → closed. A failure of the shard as a whole (the
 * store cannot be read) rejects, for the invoke's on-failure destination.
 *
 * @param options - Store, transport; see {@link ShardBroadcasterOptions}.
 * @returns A Lambda handler taking a {@link BroadcastRequest} and returning the shard's report.
 *
 * @example
 * ```ts
 * import { createShardBroadcaster } from '@market-stream/fanout/lambda';
 *
 * export const handler = createShardBroadcaster({ store, transport });
 * ```
 */
export function createShardBroadcaster(
  options: ShardBroadcasterOptions,
): (request: BroadcastRequest, context?: unknown) => Promise<ShardReport> {
  return async (request) => {
    const mode = request.mode ?? options.mode ?? SERVERLESS_DEFAULTS.mode;
    const trades = Array.isArray(request.trades) ? request.trades : [];
    const report = await deliverShard(
      {
        store: options.store,
        transport: options.transport,
        mode,
        ...(options.onError ? { onError: options.onError } : {}),
      },
      request.shard,
      trades,
    );
    options.onShardReport?.(report);
    return report;
  };
}
