import type { InvalidTradeError, Trade } from '@market-stream/core';
import type { UndecodableRecordError } from '../errors.js';

/**
 * The parts of a Lambda Kinesis event the decoders read; a `KinesisStreamEvent` from
 * `aws-lambda`'s types fits.
 *
 * @example
 * ```ts
 * import type { KinesisEventLike } from '@market-stream/sinks/lambda';
 *
 * const event: KinesisEventLike = {
 *   Records: [{ kinesis: { data: 'eyJzeW1ib2wiOiJBQVBMIn0=', partitionKey: 'AAPL', sequenceNumber: '1' } }],
 * };
 * ```
 */
export interface KinesisEventLike {
  Records: Array<{
    kinesis: { data: string; partitionKey: string; sequenceNumber: string };
    eventID?: string;
  }>;
}

/**
 * The parts of a Lambda SQS event the decoders read; an `SQSEvent` fits.
 *
 * @example
 * ```ts
 * import type { SqsEventLike } from '@market-stream/sinks/lambda';
 *
 * const event: SqsEventLike = { Records: [{ messageId: 'm-1', body: '{"symbol":"AAPL"}' }] };
 * ```
 */
export interface SqsEventLike {
  Records: Array<{ messageId: string; body: string }>;
}

/**
 * A DynamoDB attribute value in DynamoDB JSON, as stream images carry them.
 *
 * @example
 * ```ts
 * import type { DynamoAttributeValue } from '@market-stream/sinks/lambda';
 *
 * const price: DynamoAttributeValue = { N: '189.42' };
 * ```
 */
export type DynamoAttributeValue = {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  M?: Record<string, DynamoAttributeValue>;
  L?: DynamoAttributeValue[];
  SS?: string[];
  NS?: string[];
  BS?: string[];
};

/**
 * The parts of a Lambda DynamoDB Streams event the decoders read; a `DynamoDBStreamEvent` fits.
 *
 * @example
 * ```ts
 * import type { DynamoStreamEventLike } from '@market-stream/sinks/lambda';
 *
 * const event: DynamoStreamEventLike = {
 *   Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '100', NewImage: { symbol: { S: 'AAPL' } } } }],
 * };
 * ```
 */
export interface DynamoStreamEventLike {
  Records: Array<{
    eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
    eventID?: string;
    dynamodb?: {
      SequenceNumber?: string;
      NewImage?: Record<string, DynamoAttributeValue>;
    };
  }>;
}

/**
 * One record (or one user record of a KPL aggregate) that did not decode into a trade.
 * `itemIdentifier` is what a partial batch response names: the Kinesis sequence number of the
 * outer record, the SQS message id, or the DynamoDB stream sequence number.
 *
 * @example
 * ```ts
 * import type { DecodeFailure } from '@market-stream/sinks/lambda';
 *
 * const log = (failure: DecodeFailure) => console.warn(failure.itemIdentifier, failure.reason);
 * ```
 */
export interface DecodeFailure {
  /** The Lambda record's identifier for `batchItemFailures`. */
  itemIdentifier: string;
  /** Position within a KPL aggregate (Kinesis only); 0 for a plain record. */
  subSequenceNumber?: number;
  /** A one-line reason, for logs. */
  reason: string;
  /** `UndecodableRecordError` (not a trade's JSON / image) or `InvalidTradeError`. */
  error: UndecodableRecordError | InvalidTradeError;
}

/**
 * What a decoder returns: the valid trades in record order, and what failed.
 *
 * @example
 * ```ts
 * import { decodeSqsEvent, type DecodedTrades } from '@market-stream/sinks/lambda';
 *
 * const { trades, failures }: DecodedTrades = decodeSqsEvent(event);
 * ```
 */
export interface DecodedTrades {
  /** Valid trades, in the order of the event's records (and of each aggregate's user records). */
  trades: Trade[];
  /** Each record or user record that failed, in order. */
  failures: DecodeFailure[];
}
