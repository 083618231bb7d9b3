/**
 * One user record to pack into a KPL aggregated record: what a producer would have sent to
 * Kinesis on its own.
 *
 * @example
 * ```ts
 * import type { KplUserRecord } from '@market-stream/sinks';
 *
 * const record: KplUserRecord = {
 *   partitionKey: 'AAPL',
 *   data: new TextEncoder().encode('{"symbol":"AAPL"}'),
 * };
 * ```
 */
export interface KplUserRecord {
  /** The record's own partition key, kept inside the aggregate. */
  partitionKey: string;
  /** The record's own explicit hash key (a decimal 128-bit integer), if it has one. */
  explicitHashKey?: string;
  /** The payload. */
  data: Uint8Array;
}

/**
 * A Kinesis record ready for PutRecord(s): `partitionKey` → `PartitionKey`,
 * `explicitHashKey` → `ExplicitHashKey`, `data` → `Data`.
 *
 * @example
 * ```ts
 * import type { KinesisRecordPayload } from '@market-stream/sinks';
 *
 * const toEntry = (record: KinesisRecordPayload) => ({
 *   PartitionKey: record.partitionKey,
 *   ExplicitHashKey: record.explicitHashKey,
 *   Data: record.data,
 * });
 * ```
 */
export interface KinesisRecordPayload {
  /** The Kinesis partition key. */
  partitionKey: string;
  /** The Kinesis explicit hash key, when the record must go to a given hash (shard). */
  explicitHashKey?: string;
  /** The record's data blob. */
  data: Uint8Array;
}

/**
 * A Kinesis record as read from the stream (GetRecords or a Lambda event), possibly a KPL
 * aggregate: the input of {@link deaggregate}.
 *
 * @example
 * ```ts
 * import type { KinesisRecordInput } from '@market-stream/sinks';
 *
 * const input: KinesisRecordInput = {
 *   partitionKey: 'AAPL',
 *   data: new Uint8Array(),
 *   sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
 * };
 * ```
 */
export interface KinesisRecordInput {
  /** The outer record's partition key. */
  partitionKey: string;
  /** The outer record's data blob (already base64-decoded). */
  data: Uint8Array;
  /** The outer record's explicit hash key, if known. */
  explicitHashKey?: string;
  /** The outer record's Kinesis sequence number, copied onto every user record. */
  sequenceNumber?: string;
}

/**
 * One user record out of {@link deaggregate}. `(sequenceNumber, subSequenceNumber)` orders
 * user records within a shard and is the position a KCL consumer checkpoints.
 *
 * @example
 * ```ts
 * import { deaggregate, type DeaggregatedRecord } from '@market-stream/sinks';
 *
 * const records: DeaggregatedRecord[] = deaggregate({ partitionKey: 'k', data: new Uint8Array([1]) });
 * records[0]?.aggregated; // false: not a KPL record, passed through
 * ```
 */
export interface DeaggregatedRecord {
  /** The user record's partition key (for a plain record, the outer one). */
  partitionKey: string;
  /** The user record's explicit hash key, if any. */
  explicitHashKey?: string;
  /** The user record's payload; a view into the input's bytes, not a copy. */
  data: Uint8Array;
  /** The Kinesis sequence number of the outer record, when the input had one. */
  sequenceNumber?: string;
  /** Position within the aggregate: 0, 1, 2 …; 0 for a plain record. */
  subSequenceNumber: number;
  /** Whether the record came out of a KPL aggregate. */
  aggregated: boolean;
}
