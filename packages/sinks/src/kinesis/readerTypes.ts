import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { InvalidTradeError } from '@market-stream/core';
import type { UndecodableRecordError } from '../errors.js';

/**
 * Where `fromKinesis` starts reading:
 * - `'latest'`: only records written after it starts (closed shards are skipped);
 * - `'trim-horizon'`: the oldest record still retained, in every shard;
 * - `{ timestamp }`: the first record written at or after that time (AT_TIMESTAMP);
 * - `{ [shardId]: sequenceNumber }`: resume right after these positions (AFTER_SEQUENCE_NUMBER),
 *   typically what `onPositions` last reported; shards missing from the map are read from
 *   their oldest record (TRIM_HORIZON), so shards created since are read whole.
 *
 * @example
 * ```ts
 * import type { KinesisStartPosition } from '@market-stream/sinks';
 *
 * const replayLastHour: KinesisStartPosition = { timestamp: Date.now() - 3_600_000 };
 * const resume: KinesisStartPosition = { 'shardId-000000000000': '4959033827149025660855969' };
 * ```
 */
export type KinesisStartPosition =
  | 'latest'
  | 'trim-horizon'
  | { timestamp: Date | number }
  | KinesisPositions;

/**
 * The last sequence number `fromKinesis` fully emitted, per shard id: pass it back as `from`
 * to resume without duplicates.
 *
 * @example
 * ```ts
 * import type { KinesisPositions } from '@market-stream/sinks';
 *
 * const saved: KinesisPositions = JSON.parse(await readFile('positions.json', 'utf8'));
 * ```
 */
export type KinesisPositions = Readonly<Record<string, string>>;

/**
 * A record `fromKinesis` read but could not turn into a trade, handed to `onInvalid`.
 *
 * @example
 * ```ts
 * import type { InvalidKinesisRecord } from '@market-stream/sinks';
 *
 * const onInvalid = (record: InvalidKinesisRecord) =>
 *   console.warn(record.shardId, record.sequenceNumber, record.subSequenceNumber, record.error.message);
 * ```
 */
export interface InvalidKinesisRecord {
  /** The shard the record came from. */
  shardId: string;
  /** The Kinesis sequence number of the (outer) record. */
  sequenceNumber: string;
  /** Position within a KPL aggregate; 0 for a plain record. */
  subSequenceNumber: number;
  /** The user record's partition key. */
  partitionKey: string;
  /** The bytes that did not decode. */
  data: Uint8Array;
  /** `UndecodableRecordError` (not UTF-8 JSON) or `InvalidTradeError` (JSON, not a trade). */
  error: UndecodableRecordError | InvalidTradeError;
}

/**
 * Options of `fromKinesis`.
 *
 * @example
 * ```ts
 * import type { FromKinesisOptions } from '@market-stream/sinks';
 *
 * const options: FromKinesisOptions = { client, streamName: 'trades', from: 'trim-horizon' };
 * ```
 */
export interface FromKinesisOptions {
  /** Your SDK v3 Kinesis client. */
  client: KinesisClient;
  /** The stream to read. */
  streamName: string;
  /**
   * Where to start.
   * @default 'latest'
   */
  from?: KinesisStartPosition;
  /**
   * Least time between two GetRecords calls on one shard, in ms. Kinesis allows 5 calls per
   * second per shard (shared by every consumer of the stream), so values below 200 get
   * throttled on AWS (and are then backed off from).
   * @default 200
   */
  pollIntervalMs?: number;
  /**
   * Longest wait between GetRecords calls on an idle shard: each empty answer doubles the wait
   * from `pollIntervalMs` up to this.
   * @default 1000
   */
  maxIdlePollIntervalMs?: number;
  /**
   * `Limit` of each GetRecords call (1 to 10,000).
   * @default 10000
   */
  recordsPerCall?: number;
  /**
   * Attempts in a row a throttled (ProvisionedThroughputExceeded), 5xx or dropped request is
   * retried before the Observable errors with a `KinesisReadError`.
   * @default 10
   */
  maxRetries?: number;
  /**
   * Cap of the first retry delay, in ms (full jitter, doubling per attempt).
   * @default 100
   */
  backoffBaseMs?: number;
  /**
   * Largest retry delay cap, in ms.
   * @default 5000
   */
  backoffMaxMs?: number;
  /**
   * Read by push (enhanced fan-out) through the stream consumer `name`, instead of polling: the
   * reader registers it (or reuses the one that exists) and waits until it is `ACTIVE`, then
   * subscribes to every shard with `SubscribeToShard` and renews each subscription from its
   * continuation sequence number. Each consumer gets its own 2 MB/s per shard at ~70 ms, where
   * polling consumers share 5 calls/s per shard; it is billed per consumer-shard-hour and per
   * GB. `deregister: true` deregisters it when the reader stops, if this reader registered it.
   * `activationTimeoutMs` bounds the wait for `ACTIVE`. `pollIntervalMs`,
   * `maxIdlePollIntervalMs` and `recordsPerCall` do not apply.
   * @default undefined (polling with GetRecords)
   */
  consumer?: { name: string; deregister?: boolean; activationTimeoutMs?: number };
  /** Called for each record that is not a valid trade; the reader carries on. */
  onInvalid?: (record: InvalidKinesisRecord) => void;
  /**
   * Called after every trade of a GetRecords answer was emitted, with the position of every
   * shard read so far (a fresh object each time): save it, and pass it as `from` to resume.
   */
  onPositions?: (positions: KinesisPositions) => void;
}
