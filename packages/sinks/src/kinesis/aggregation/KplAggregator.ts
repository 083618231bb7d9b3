import { KINESIS_MAX_RECORD_BYTES } from '../../defaults.js';
import { KplAggregationError } from '../../errors.js';
import { KPL_MAGIC, KPL_OVERHEAD_BYTES, md5 } from './format.js';
import {
  fieldKey,
  lengthDelimitedSize,
  varintSize,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  writeVarint,
} from './protobuf.js';
import type { KinesisRecordPayload, KplUserRecord } from './types.js';

/**
 * Options of {@link KplAggregator}.
 *
 * @example
 * ```ts
 * import { KplAggregator, type KplAggregatorOptions } from '@market-stream/sinks';
 *
 * const options: KplAggregatorOptions = { maxBytes: 256 * 1024 };
 * const aggregator = new KplAggregator(options);
 * ```
 */
export interface KplAggregatorOptions {
  /**
   * Largest `data` an aggregated record may have, in bytes (magic, protobuf and MD5 trailer).
   * @default 1 MiB (Kinesis' record limit, which counts data plus partition key) minus the
   * UTF-8 length of the outer partition key
   */
  maxBytes?: number;
}

// Field numbers of the KPL protobuf messages (aggregation format 0.9.0).
const AGGREGATED_PARTITION_KEY_TABLE = fieldKey(1, WIRE_LENGTH_DELIMITED);
const AGGREGATED_EXPLICIT_HASH_KEY_TABLE = fieldKey(2, WIRE_LENGTH_DELIMITED);
const AGGREGATED_RECORDS = fieldKey(3, WIRE_LENGTH_DELIMITED);
const RECORD_PARTITION_KEY_INDEX = fieldKey(1, WIRE_VARINT);
const RECORD_EXPLICIT_HASH_KEY_INDEX = fieldKey(2, WIRE_VARINT);
const RECORD_DATA = fieldKey(3, WIRE_LENGTH_DELIMITED);

const encoder = new TextEncoder();

/**
 * Packs user records into one Kinesis Producer Library (KPL) aggregated record: the magic
 * bytes `F3 89 9A C2`, a protobuf `AggregatedRecord` (partition key table, explicit hash key
 * table, records) and the MD5 of the protobuf bytes. Byte-identical to what awslabs'
 * `aws-kinesis-agg` produces for the same records, and read by every KPL deaggregator (KCL,
 * Lambda with `aws-kinesis-agg`, {@link deaggregate}).
 *
 * Guarantees: user records keep the order they were added in (their sub-sequence numbers);
 * each distinct partition key or explicit hash key is stored once; {@link sizeBytes} is the
 * exact length of {@link build}'s `data`, kept up to date in O(1) per {@link tryAdd}, so a
 * caller packs to the limit without encoding twice.
 *
 * The outer record takes the first user record's partition key (and its explicit hash key,
 * if it has one), as awslabs' aggregators do, so the aggregate lands on that record's shard.
 * The KPL itself writes partition key `"a"` with the first record's hash key as explicit hash
 * key, which routes the same way. Only aggregate records that belong to one shard together
 * (one partition key, or keys you mapped to one shard's hash range): the KCL drops user
 * records whose hash falls outside the shard it reads them from.
 *
 * Not thread-safe state: one aggregator per batch being built; {@link reset} reuses it.
 *
 * @example
 * ```ts
 * import { KplAggregator } from '@market-stream/sinks';
 *
 * const aggregator = new KplAggregator();
 * for (const trade of trades) {
 *   const record = { partitionKey: trade.symbol, data: Buffer.from(JSON.stringify(trade)) };
 *   if (!aggregator.tryAdd(record)) {
 *     send(aggregator.build()); // full: ship it, start again
 *     aggregator.reset();
 *     aggregator.tryAdd(record);
 *   }
 * }
 * if (aggregator.count > 0) send(aggregator.build());
 * ```
 */
export class KplAggregator {
  private readonly maxBytes: number | undefined;
  private readonly partitionKeys = new Map<string, number>();
  private readonly partitionKeyBytes: Uint8Array[] = [];
  private readonly explicitHashKeys = new Map<string, number>();
  private readonly explicitHashKeyBytes: Uint8Array[] = [];
  private readonly partitionKeyIndexes: number[] = [];
  private readonly explicitHashKeyIndexes: (number | undefined)[] = [];
  private readonly payloads: Uint8Array[] = [];
  private protobufBytes = 0;
  private firstPartitionKey: string | undefined;
  private firstExplicitHashKey: string | undefined;
  private outerKeyBytes = 0;

  /**
   * @param options - `maxBytes`: the size limit of the aggregated data.
   */
  constructor(options: KplAggregatorOptions = {}) {
    if (options.maxBytes !== undefined && !(options.maxBytes > KPL_OVERHEAD_BYTES)) {
      throw new KplAggregationError(
        'KPL_INVALID_OPTIONS',
        `maxBytes must be greater than ${KPL_OVERHEAD_BYTES} (magic and MD5 trailer)`,
      );
    }
    this.maxBytes = options.maxBytes;
  }

  /** How many user records the aggregate holds. */
  get count(): number {
    return this.payloads.length;
  }

  /** Exact byte length of the `data` {@link build} returns now; 0 when empty. */
  get sizeBytes(): number {
    return this.payloads.length === 0 ? 0 : KPL_OVERHEAD_BYTES + this.protobufBytes;
  }

  /**
   * Adds a user record if the aggregate stays within `maxBytes`.
   *
   * @param record - The user record; its `data` is referenced, not copied, until {@link build}.
   * @returns `true` when added; `false` when adding it would exceed `maxBytes` (the aggregate
   * is unchanged). `false` on an empty aggregator means the record can never fit.
   * @throws {@link KplAggregationError} (`KPL_INVALID_RECORD`) when the partition key is empty.
   */
  tryAdd(record: KplUserRecord): boolean {
    const { partitionKey, explicitHashKey, data } = record;
    if (typeof partitionKey !== 'string' || partitionKey.length === 0) {
      throw new KplAggregationError(
        'KPL_INVALID_RECORD',
        'a user record needs a non-empty partition key',
      );
    }
    const knownPartitionKey = this.partitionKeys.get(partitionKey);
    const partitionKeyBytes =
      knownPartitionKey === undefined ? encoder.encode(partitionKey) : undefined;
    const partitionKeyIndex = knownPartitionKey ?? this.partitionKeyBytes.length;

    let explicitHashKeyBytes: Uint8Array | undefined;
    let explicitHashKeyIndex: number | undefined;
    if (explicitHashKey !== undefined) {
      explicitHashKeyIndex = this.explicitHashKeys.get(explicitHashKey);
      if (explicitHashKeyIndex === undefined) {
        explicitHashKeyBytes = encoder.encode(explicitHashKey);
        explicitHashKeyIndex = this.explicitHashKeyBytes.length;
      }
    }

    let recordBytes = 1 + varintSize(partitionKeyIndex) + lengthDelimitedSize(data.length);
    if (explicitHashKeyIndex !== undefined) recordBytes += 1 + varintSize(explicitHashKeyIndex);
    let added = lengthDelimitedSize(recordBytes);
    if (partitionKeyBytes) added += lengthDelimitedSize(partitionKeyBytes.length);
    if (explicitHashKeyBytes) added += lengthDelimitedSize(explicitHashKeyBytes.length);

    const outerKeyBytes =
      this.payloads.length === 0 ? (partitionKeyBytes?.length ?? 0) : this.outerKeyBytes;
    const limit = this.maxBytes ?? KINESIS_MAX_RECORD_BYTES - outerKeyBytes;
    if (KPL_OVERHEAD_BYTES + this.protobufBytes + added > limit) return false;

    if (this.payloads.length === 0) {
      this.firstPartitionKey = partitionKey;
      this.firstExplicitHashKey = explicitHashKey;
      this.outerKeyBytes = outerKeyBytes;
    }
    if (partitionKeyBytes) {
      this.partitionKeys.set(partitionKey, partitionKeyIndex);
      this.partitionKeyBytes.push(partitionKeyBytes);
    }
    if (explicitHashKeyBytes && explicitHashKey !== undefined) {
      this.explicitHashKeys.set(explicitHashKey, explicitHashKeyIndex!);
      this.explicitHashKeyBytes.push(explicitHashKeyBytes);
    }
    this.partitionKeyIndexes.push(partitionKeyIndex);
    this.explicitHashKeyIndexes.push(explicitHashKeyIndex);
    this.payloads.push(data);
    this.protobufBytes += added;
    return true;
  }

  /**
   * Encodes the aggregate. The aggregator keeps its records; call {@link reset} to start a
   * new one.
   *
   * @returns The outer Kinesis record: the first user record's partition key (and explicit
   * hash key, if it had one) and the aggregated `data` of exactly {@link sizeBytes} bytes.
   * @throws {@link KplAggregationError} (`KPL_EMPTY_AGGREGATE`) when no record was added.
   */
  build(): KinesisRecordPayload {
    if (this.payloads.length === 0 || this.firstPartitionKey === undefined) {
      throw new KplAggregationError('KPL_EMPTY_AGGREGATE', 'cannot build an empty aggregate');
    }
    const protobufEnd = KPL_MAGIC.length + this.protobufBytes;
    const data = new Uint8Array(protobufEnd + 16);
    data.set(KPL_MAGIC, 0);
    let at = KPL_MAGIC.length;
    for (const key of this.partitionKeyBytes) {
      at = writeBytesField(data, at, AGGREGATED_PARTITION_KEY_TABLE, key);
    }
    for (const key of this.explicitHashKeyBytes) {
      at = writeBytesField(data, at, AGGREGATED_EXPLICIT_HASH_KEY_TABLE, key);
    }
    for (let i = 0; i < this.payloads.length; i++) {
      const payload = this.payloads[i]!;
      const partitionKeyIndex = this.partitionKeyIndexes[i]!;
      const explicitHashKeyIndex = this.explicitHashKeyIndexes[i];
      let recordBytes = 1 + varintSize(partitionKeyIndex) + lengthDelimitedSize(payload.length);
      if (explicitHashKeyIndex !== undefined) recordBytes += 1 + varintSize(explicitHashKeyIndex);
      data[at++] = AGGREGATED_RECORDS;
      at = writeVarint(data, at, recordBytes);
      data[at++] = RECORD_PARTITION_KEY_INDEX;
      at = writeVarint(data, at, partitionKeyIndex);
      if (explicitHashKeyIndex !== undefined) {
        data[at++] = RECORD_EXPLICIT_HASH_KEY_INDEX;
        at = writeVarint(data, at, explicitHashKeyIndex);
      }
      at = writeBytesField(data, at, RECORD_DATA, payload);
    }
    data.set(md5(data.subarray(KPL_MAGIC.length, protobufEnd)), protobufEnd);
    const built: KinesisRecordPayload = { partitionKey: this.firstPartitionKey, data };
    if (this.firstExplicitHashKey !== undefined) built.explicitHashKey = this.firstExplicitHashKey;
    return built;
  }

  /** Empties the aggregator so it can build the next aggregate. */
  reset(): void {
    this.partitionKeys.clear();
    this.partitionKeyBytes.length = 0;
    this.explicitHashKeys.clear();
    this.explicitHashKeyBytes.length = 0;
    this.partitionKeyIndexes.length = 0;
    this.explicitHashKeyIndexes.length = 0;
    this.payloads.length = 0;
    this.protobufBytes = 0;
    this.firstPartitionKey = undefined;
    this.firstExplicitHashKey = undefined;
    this.outerKeyBytes = 0;
  }
}

function writeBytesField(target: Uint8Array, offset: number, key: number, bytes: Uint8Array) {
  target[offset] = key;
  const at = writeVarint(target, offset + 1, bytes.length);
  target.set(bytes, at);
  return at + bytes.length;
}
