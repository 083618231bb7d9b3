/**
 * How a consumer of the trade stream reads it:
 * - `'push'`: enhanced fan-out. The reader has a registered stream consumer and Kinesis pushes
 *   records to it over HTTP/2 (`SubscribeToShard`): ~70 ms from put to read, 2 MB/s per shard for
 *   this consumer alone, whatever else reads the stream. Billed per consumer-shard-hour and per
 *   GB read; at most {@link STREAM_CONSUMER_LIMIT} consumers per stream.
 * - `'poll'`: shared throughput (`GetRecords`). Every polling reader of a shard shares its 5
 *   calls/s and 2 MB/s: ~200 ms with one reader, ~1 s with five; Lambda's standard event source
 *   polls each shard once per second. No extra charge.
 *
 * @example
 * ```ts
 * import type { StreamReadMode } from '@market-stream/cdk-constructs';
 *
 * const readMode: StreamReadMode = 'poll';
 * ```
 */
export type StreamReadMode = 'push' | 'poll';

/**
 * Most enhanced fan-out consumers Kinesis registers per stream (a quota, not a setting): every
 * `'push'` reader of a stream takes one, whichever stack registered it.
 *
 * @example
 * ```ts
 * import { STREAM_CONSUMER_LIMIT } from '@market-stream/cdk-constructs';
 *
 * const freeForNodes = STREAM_CONSUMER_LIMIT - 1; // 19 when the processor reads by push
 * ```
 */
export const STREAM_CONSUMER_LIMIT = 20;
