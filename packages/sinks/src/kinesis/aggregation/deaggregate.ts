import { hasKplMagic, KPL_DIGEST_BYTES, KPL_MAGIC, md5 } from './format.js';
import {
  ProtobufDecodeError,
  ProtobufReader,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
} from './protobuf.js';
import type { DeaggregatedRecord, KinesisRecordInput } from './types.js';

const decoder = new TextDecoder();

/**
 * Splits a Kinesis record into the user records a KPL producer packed into it. A record that is
 * not a KPL aggregate comes back as one record, unchanged, so every record read from a stream
 * can go through here.
 *
 * Follows the KCL's deaggregator (`AggregatorUtil`) and awslabs' Python deaggregator: a record
 * is an aggregate only when it starts with the magic bytes, is longer than magic plus the
 * 16-byte trailer, its MD5 trailer matches and its protobuf parses. Anything else — including a
 * bad MD5 or a corrupt message — passes through as a plain record (the consumer then sees bytes
 * it cannot decode and reports them). Unlike the KCL, which logs and drops the rest of an
 * aggregate whose key index is out of range, such a record also passes through whole, so no
 * bytes vanish silently. (awslabs' Node `aws-kinesis-agg` instead fails on a bad checksum.)
 *
 * Guarantees: user records come back in the order they were aggregated, numbered by
 * `subSequenceNumber` from 0; each carries the outer record's `sequenceNumber`. Never throws on
 * any `data`. `data` of each result is a view into the input's bytes, not a copy.
 *
 * @param record - The record as read (data already base64-decoded).
 * @returns The user records: one for a plain record; none only for a valid aggregate that holds
 * no user records.
 *
 * @example
 * ```ts
 * import { deaggregate } from '@market-stream/sinks';
 *
 * for (const record of response.Records ?? []) {
 *   for (const user of deaggregate({
 *     partitionKey: record.PartitionKey!,
 *     data: record.Data!,
 *     sequenceNumber: record.SequenceNumber,
 *   })) {
 *     handle(JSON.parse(Buffer.from(user.data).toString('utf8')));
 *   }
 * }
 * ```
 */
export function deaggregate(record: KinesisRecordInput): DeaggregatedRecord[] {
  const users = hasKplMagic(record.data) ? parseAggregate(record) : undefined;
  if (users) return users;
  const plain: DeaggregatedRecord = {
    partitionKey: record.partitionKey,
    data: record.data,
    subSequenceNumber: 0,
    aggregated: false,
  };
  if (record.explicitHashKey !== undefined) plain.explicitHashKey = record.explicitHashKey;
  if (record.sequenceNumber !== undefined) plain.sequenceNumber = record.sequenceNumber;
  return [plain];
}

/**
 * The user records of a valid aggregate, or `undefined` when `record` is not one.
 * @internal
 */
function parseAggregate(record: KinesisRecordInput): DeaggregatedRecord[] | undefined {
  const { data } = record;
  const protobufEnd = data.length - KPL_DIGEST_BYTES;
  if (protobufEnd <= KPL_MAGIC.length) return undefined;
  if (!md5(data.subarray(KPL_MAGIC.length, protobufEnd)).equals(data.subarray(protobufEnd))) {
    return undefined;
  }
  try {
    return readAggregatedRecord(record, new ProtobufReader(data, KPL_MAGIC.length, protobufEnd));
  } catch (error) {
    if (error instanceof ProtobufDecodeError) return undefined;
    throw error;
  }
}

interface RawUserRecord {
  partitionKeyIndex: number;
  explicitHashKeyIndex: number | undefined;
  data: Uint8Array;
}

function readAggregatedRecord(
  record: KinesisRecordInput,
  reader: ProtobufReader,
): DeaggregatedRecord[] {
  const partitionKeys: string[] = [];
  const explicitHashKeys: string[] = [];
  const raw: RawUserRecord[] = [];
  while (!reader.done) {
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field >= 1 && field <= 3 && wireType === WIRE_LENGTH_DELIMITED) {
      const [start, end] = reader.lengthDelimited();
      if (field === 1) partitionKeys.push(decoder.decode(reader.bytes.subarray(start, end)));
      else if (field === 2)
        explicitHashKeys.push(decoder.decode(reader.bytes.subarray(start, end)));
      else raw.push(readUserRecord(new ProtobufReader(reader.bytes, start, end)));
    } else {
      reader.skip(wireType);
    }
  }

  const users: DeaggregatedRecord[] = [];
  for (let i = 0; i < raw.length; i++) {
    const { partitionKeyIndex, explicitHashKeyIndex, data } = raw[i]!;
    const partitionKey = partitionKeys[partitionKeyIndex];
    if (partitionKey === undefined)
      throw new ProtobufDecodeError('partition key index out of range');
    const user: DeaggregatedRecord = { partitionKey, data, subSequenceNumber: i, aggregated: true };
    if (explicitHashKeyIndex !== undefined) {
      const explicitHashKey = explicitHashKeys[explicitHashKeyIndex];
      if (explicitHashKey === undefined) {
        throw new ProtobufDecodeError('explicit hash key index out of range');
      }
      user.explicitHashKey = explicitHashKey;
    }
    if (record.sequenceNumber !== undefined) user.sequenceNumber = record.sequenceNumber;
    users.push(user);
  }
  return users;
}

function readUserRecord(reader: ProtobufReader): RawUserRecord {
  let partitionKeyIndex: number | undefined;
  let explicitHashKeyIndex: number | undefined;
  let data: Uint8Array | undefined;
  while (!reader.done) {
    const key = reader.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 1 && wireType === WIRE_VARINT) partitionKeyIndex = reader.varint();
    else if (field === 2 && wireType === WIRE_VARINT) explicitHashKeyIndex = reader.varint();
    else if (field === 3 && wireType === WIRE_LENGTH_DELIMITED) {
      const [start, end] = reader.lengthDelimited();
      data = reader.bytes.subarray(start, end);
    } else reader.skip(wireType);
  }
  // Both are `required` in the KPL schema: a message without them does not parse.
  if (partitionKeyIndex === undefined || data === undefined) {
    throw new ProtobufDecodeError('record without partition_key_index or data');
  }
  return { partitionKeyIndex, explicitHashKeyIndex, data };
}
