import type { Trade } from '@market-stream/core';
import { DeadLetterReplayError } from '../errors.js';
import { decodeTradeJson } from '../kinesis/decodeTradeJson.js';
import type { ReplaySinks } from './replayTypes.js';

/**
 * The shard and sequence range a Lambda Kinesis event source sends to its on-failure
 * destination (`KinesisBatchInfo`): the records themselves stay in the stream.
 * @internal
 */
export interface KinesisBatchRange {
  streamName: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number | undefined;
}

/**
 * What one queue message asks to replay.
 * @internal
 */
export type ReplayMessage =
  | { kind: 'dead-letter'; sink: keyof ReplaySinks; trade: Trade }
  | { kind: 'on-failure'; range: KinesisBatchRange }
  | { kind: 'kept'; reason: 'malformed' | 'no-record' | 'no-sink'; error: DeadLetterReplayError };

const SINKS = new Set(['kinesis', 'dynamodb', 'sqs']);
const SEQUENCE = /^\d{1,128}$/;

/**
 * Reads a message body: a `sqsDeadLetter` dead letter, or a Lambda Kinesis event source's
 * on-failure record. Anything else is `kept` as malformed. Never throws.
 * @internal
 */
export function parseReplayMessage(body: string | undefined): ReplayMessage {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch (cause) {
    return malformed('the body is not JSON', cause);
  }
  if (typeof value !== 'object' || value === null) return malformed('the body is not an object');
  const message = value as Record<string, unknown>;
  if ('KinesisBatchInfo' in message) return onFailure(message.KinesisBatchInfo);
  if ('DDBStreamBatchInfo' in message) return dynamoStreamRange(message.DDBStreamBatchInfo);
  if (typeof message.sink === 'string' && typeof message.reason === 'string') {
    if (!SINKS.has(message.sink)) return malformed(`unknown sink "${message.sink}"`);
    if (!('record' in message)) {
      return {
        kind: 'kept',
        reason: 'no-record',
        error: new DeadLetterReplayError(
          'NO_RECORD',
          `a ${message.sink} dead letter without its record (over the SQS message limit when it was dead-lettered)`,
        ),
      };
    }
    const decoded = decodeTradeJson(JSON.stringify(message.record));
    if (!decoded.ok) return malformed(`its record is not a trade: ${decoded.error.message}`);
    return { kind: 'dead-letter', sink: message.sink as keyof ReplaySinks, trade: decoded.trade };
  }
  return malformed('neither a dead letter (sink, reason, record) nor an on-failure record');
}

function onFailure(info: unknown): ReplayMessage {
  if (typeof info !== 'object' || info === null)
    return malformed('KinesisBatchInfo is not an object');
  const { shardId, startSequenceNumber, endSequenceNumber, streamArn, batchSize } = info as Record<
    string,
    unknown
  >;
  const streamName =
    typeof streamArn === 'string' ? /:stream\/([^/]+)$/.exec(streamArn)?.[1] : undefined;
  if (
    streamName === undefined ||
    typeof shardId !== 'string' ||
    typeof startSequenceNumber !== 'string' ||
    typeof endSequenceNumber !== 'string' ||
    !SEQUENCE.test(startSequenceNumber) ||
    !SEQUENCE.test(endSequenceNumber) ||
    BigInt(startSequenceNumber) > BigInt(endSequenceNumber)
  ) {
    return malformed('KinesisBatchInfo lacks a stream ARN, shard or sequence range');
  }
  return {
    kind: 'on-failure',
    range: {
      streamName,
      shardId,
      startSequenceNumber,
      endSequenceNumber,
      batchSize: typeof batchSize === 'number' ? batchSize : undefined,
    },
  };
}

/**
 * A DynamoDB Streams event source's on-failure record: its records are in the table's stream
 * (24 h), which this tool does not read; kept, saying where they are.
 */
function dynamoStreamRange(info: unknown): ReplayMessage {
  const { streamArn, shardId, startSequenceNumber, endSequenceNumber } =
    typeof info === 'object' && info !== null ? (info as Record<string, unknown>) : {};
  const where = [streamArn, shardId, `${startSequenceNumber}..${endSequenceNumber}`]
    .map(String)
    .join(' ');
  return {
    kind: 'kept',
    reason: 'no-sink',
    error: new DeadLetterReplayError(
      'NO_SINK',
      `a DynamoDB Streams on-failure record (${where}): replay reads Kinesis ranges only; re-read these records from the table's stream while it keeps them (24 h)`,
    ),
  };
}

function malformed(why: string, cause?: unknown): ReplayMessage {
  return {
    kind: 'kept',
    reason: 'malformed',
    error: new DeadLetterReplayError('MALFORMED', `malformed message: ${why}`, { cause }),
  };
}
