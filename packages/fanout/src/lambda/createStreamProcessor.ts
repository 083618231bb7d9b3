import { newestPerSymbol, type Trade } from '@market-stream/core';
import {
  type BatchResponse,
  type DecodedTrades,
  decodeKinesisEvent,
  type KinesisEventLike,
} from '@market-stream/sinks/lambda';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import type { ConnectionStore, DeliveryMode, Transport } from '../types.js';
import type { BroadcastRequest } from './createShardBroadcaster.js';
import { deliverShard, type ShardReport } from './deliverShard.js';
import type { LatestTradeStore } from './LatestTradeStore.js';

// The processor's event, decoder and response types are sinks' (re-exported under their old
// fanout names).
export type {
  BatchResponse as StreamBatchResponse,
  DecodedTrades as DecodedBatch,
  KinesisEventLike,
} from '@market-stream/sinks/lambda';

/**
 * Options of {@link createStreamProcessor}. Give `transport` (send from this function) or
 * `broadcast` (hand each shard to a broadcaster function).
 *
 * @example
 * ```ts
 * import type { StreamProcessorOptions } from '@market-stream/fanout/lambda';
 *
 * const options: StreamProcessorOptions = { store, transport, shards: 16, mode: 'latest' };
 * ```
 */
export interface StreamProcessorOptions {
  /** The connection store. */
  store: ConnectionStore;
  /** Sends the `trades` messages (an API Gateway transport). */
  transport?: Pick<Transport, 'send' | 'close'>;
  /**
   * Shard count, the same everywhere.
   * @default 16
   */
  shards?: number;
  /**
   * Delivery mode of connections without their own: `latest` sends the newest trade per
   * symbol per batch, `all` every trade in `seq` order.
   * @default 'latest'
   */
  mode?: DeliveryMode;
  /**
   * Turns the Kinesis event into trades and per-record failures.
   * @default decodeKinesisEvent of `@market-stream/sinks/lambda` (base64 → KPL deaggregation →
   * JSON → validateTrade)
   */
  decode?: (event: KinesisEventLike) => DecodedTrades;
  /**
   * Whether records that cannot be decoded go into `batchItemFailures`. A retry never fixes a
   * malformed record, and reporting it makes Lambda retry it (and everything after it in the
   * shard) until `MaximumRetryAttempts`, holding every client's prices back; so by default it
   * is passed to `onDecodeFailure` and skipped.
   * @default false
   */
  reportDecodeFailures?: boolean;
  /**
   * Receives each record that could not be decoded.
   * @default logs one warning per batch with the count and the first reason
   */
  onDecodeFailure?: (failures: DecodedTrades['failures']) => void;
  /**
   * Writes the batch to history before it is fanned out (e.g. `toDynamo`); when it throws,
   * every record of the batch is reported failed so Lambda retries it.
   */
  history?: (trades: readonly Trade[]) => Promise<void>;
  /** Keeps the newest trade per symbol for `snapshot` replies. */
  latest?: LatestTradeStore;
  /**
   * Fans one shard out elsewhere (e.g. an asynchronous Lambda Invoke of a broadcaster), instead
   * of sending from this function. Called once per shard, in parallel.
   */
  broadcast?: (request: BroadcastRequest) => Promise<void>;
  /**
   * Receives each shard's report (sent, gone, failed, closed) when this function sends itself.
   * @default () => {}
   */
  onShardReport?: (report: ShardReport) => void;
  /**
   * Receives a failed close: an `all`-mode connection whose send failed could not be closed
   * either, so its client does not know it missed trades.
   * @default () => {}
   */
  onError?: (error: unknown, connectionId: string) => void;
}

/**
 * The Kinesis stream processor: decodes the batch, writes history (optional), records the
 * newest trade per symbol (optional), then fans out to every shard in parallel — one Query
 * per shard (or its cache), `buildDeliveries`, and one PostToConnection per connection with
 * updates per batch — and returns a partial batch response.
 *
 * Guarantees: each connection gets at most one `trades` message per batch (more only when
 * its message is over 128 KB and is split), holding only its symbols, per symbol in `seq`
 * order; a connection found gone is removed by the transport; a failed send never fails the
 * batch (retrying would resend to everyone): in `all` mode that connection is closed instead
 * (its client reconnects and recovers with `since`) and counted in the shard report's `closed`; every record is returned in `batchItemFailures`
 * when `history` fails; records that cannot be decoded are skipped and logged (or reported,
 * with `reportDecodeFailures`). Delivery is
 * at-least-once: a retried batch is sent again, and clients drop repeats by `seq`.
 *
 * @param options - Store, transport or broadcaster, mode, history; see {@link StreamProcessorOptions}.
 * @returns A Lambda handler for a Kinesis event source with `ReportBatchItemFailures`.
 *
 * @example
 * ```ts
 * import { createApiGatewayTransport, DynamoConnectionStore } from '@market-stream/fanout';
 * import { createStreamProcessor } from '@market-stream/fanout/lambda';
 *
 * const store = new DynamoConnectionStore({ client, tableName: 'connections', shards: 16 });
 * export const handler = createStreamProcessor({
 *   store,
 *   transport: createApiGatewayTransport({ endpoint: process.env.WEBSOCKET_API_ENDPOINT, store }),
 *   mode: 'latest',
 * });
 * ```
 */
export function createStreamProcessor(
  options: StreamProcessorOptions,
): (event: KinesisEventLike, context?: unknown) => Promise<BatchResponse> {
  const shards = options.shards ?? SERVERLESS_DEFAULTS.shards;
  const mode = options.mode ?? SERVERLESS_DEFAULTS.mode;
  const decode = options.decode ?? decodeKinesisEvent;
  const onDecodeFailure =
    options.onDecodeFailure ??
    ((failures: DecodedTrades['failures']) =>
      console.warn(
        `[fanout processor] ${failures.length} undecodable record(s) skipped; first: ${failures[0]?.reason}`,
      ));
  const { transport, broadcast } = options;
  if (!transport && !broadcast) {
    throw new TypeError('createStreamProcessor needs a transport or a broadcast function');
  }

  return async (event) => {
    const { trades, failures } = decode(event);
    const batchItemFailures: BatchResponse['batchItemFailures'] = [];
    if (failures.length > 0) {
      if (options.reportDecodeFailures) {
        const reported = new Set(failures.map(({ itemIdentifier }) => itemIdentifier));
        for (const itemIdentifier of reported) batchItemFailures.push({ itemIdentifier });
      }
      onDecodeFailure(failures);
    }
    if (trades.length === 0) return { batchItemFailures };

    if (options.history) {
      try {
        await options.history(trades);
      } catch {
        return {
          batchItemFailures: (event.Records ?? []).map((record) => ({
            itemIdentifier: record.kinesis.sequenceNumber,
          })),
        };
      }
    }
    if (options.latest) await options.latest.put(trades);

    const work: Array<Promise<unknown>> = [];
    for (let shard = 0; shard < shards; shard++) {
      if (broadcast) {
        work.push(
          // `latest` delivers only the newest trade per symbol, so only those travel to broadcasters.
          broadcast({ shard, mode, trades: mode === 'latest' ? newestPerSymbol(trades) : trades }),
        );
      } else if (transport) {
        work.push(
          deliverShard(
            {
              store: options.store,
              transport,
              mode,
              ...(options.onError ? { onError: options.onError } : {}),
            },
            shard,
            trades,
          ).then((report) => options.onShardReport?.(report)),
        );
      }
    }
    await Promise.all(work);
    return { batchItemFailures };
  };
}
