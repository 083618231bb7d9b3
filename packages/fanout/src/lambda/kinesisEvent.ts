import type { Trade } from '@market-stream/core';

/**
 * The part of a Lambda Kinesis event the stream processor reads (structurally the
 * `KinesisStreamEvent` of `@types/aws-lambda`).
 *
 * @example
 * ```ts
 * import type { KinesisEventLike } from '@market-stream/fanout/lambda';
 *
 * const event: KinesisEventLike = {
 *   Records: [{ eventID: 'shardId-000:1', kinesis: { data: btoa('{"symbol":"AAPL"}'), partitionKey: 'AAPL', sequenceNumber: '1' } }],
 * };
 * ```
 */
export interface KinesisEventLike {
  Records: Array<{
    eventID?: string;
    kinesis: {
      /** Base64 record data. */
      data: string;
      partitionKey: string;
      sequenceNumber: string;
      explicitHashKey?: string;
    };
  }>;
}

/**
 * The partial batch response of a Kinesis event source with `ReportBatchItemFailures`:
 * Lambda retries the batch from the lowest failed sequence number.
 *
 * @example
 * ```ts
 * import type { StreamBatchResponse } from '@market-stream/fanout/lambda';
 *
 * const ok: StreamBatchResponse = { batchItemFailures: [] };
 * ```
 */
export interface StreamBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/**
 * What the stream processor's decoder returns: the valid trades of a Kinesis batch, and the
 * records (or KPL user records) that could not be decoded. `decodeKinesisEvent` of
 * `@market-stream/sinks/lambda` returns this shape.
 *
 * @example
 * ```ts
 * import type { DecodedBatch } from '@market-stream/fanout/lambda';
 *
 * const empty: DecodedBatch = { trades: [], failures: [] };
 * ```
 */
export interface DecodedBatch {
  /** Valid trades, in record order. */
  trades: Trade[];
  /** What failed: the outer record's sequence number and why. */
  failures: Array<{ itemIdentifier: string; reason: string }>;
}
