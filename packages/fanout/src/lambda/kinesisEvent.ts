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
