/**
 * The environment variables of the dead-letter replay function (contract between
 * {@link DeadLetterReplay} and its bundled handler). Plain values: the handler bundle imports
 * this file too.
 *
 * @example
 * ```ts
 * import { REPLAY_ENV } from '@market-stream/cdk-constructs';
 *
 * process.env[REPLAY_ENV.queueUrl]; // the queue the function drains
 * ```
 */
export const REPLAY_ENV = Object.freeze({
  /** The dead-letter (or on-failure) queue's URL. */
  queueUrl: 'REPLAY_QUEUE_URL',
  /** The history table's name (toDynamo dead letters, on-failure ranges to `dynamodb`). */
  historyTable: 'REPLAY_HISTORY_TABLE',
  /** The stream's name (on-failure ranges are re-read from it; toKinesis dead letters). */
  streamName: 'REPLAY_STREAM_NAME',
  /** `dynamodb` or `kinesis`: where an on-failure range's trades go. */
  onFailureSink: 'REPLAY_ON_FAILURE_SINK',
  /** Most messages per invocation, decimal. */
  maxMessages: 'REPLAY_MAX_MESSAGES',
  /** The namespace of the run's Embedded Metric Format counts. */
  metricNamespace: 'REPLAY_METRIC_NAMESPACE',
} as const);
