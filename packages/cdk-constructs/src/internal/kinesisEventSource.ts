import { Duration } from 'aws-cdk-lib';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { DEFAULTS } from '../defaults.js';
import type { TradeProcessorProps } from '../processor/TradeProcessorProps.js';

/** The tunable settings of {@link createKinesisEventSource}; unset ones take the defaults. */
export type KinesisEventSourceSettings = Pick<
  TradeProcessorProps,
  | 'batchSize'
  | 'maxBatchingWindow'
  | 'retryAttempts'
  | 'bisectBatchOnError'
  | 'parallelizationFactor'
  | 'startingPosition'
  | 'maxRecordAge'
>;

/**
 * A Kinesis event source on `stream` with partial batch responses on, bisect-on-error by
 * default, and `onFailure` as the destination of batches that gave up.
 *
 * @example
 * ```ts
 * fn.addEventSource(createKinesisEventSource(stream, queue, { batchSize: 200 }));
 * ```
 */
export function createKinesisEventSource(
  stream: kinesis.IStream,
  onFailure: sqs.IQueue,
  settings: KinesisEventSourceSettings,
): KinesisEventSource {
  return new KinesisEventSource(stream, {
    startingPosition:
      settings.startingPosition ?? lambda.StartingPosition[DEFAULTS.processor.startingPosition],
    batchSize: settings.batchSize ?? DEFAULTS.processor.batchSize,
    maxBatchingWindow:
      settings.maxBatchingWindow ?? Duration.seconds(DEFAULTS.processor.maxBatchingWindowSeconds),
    retryAttempts: settings.retryAttempts ?? DEFAULTS.processor.retryAttempts,
    bisectBatchOnError: settings.bisectBatchOnError ?? DEFAULTS.processor.bisectBatchOnError,
    parallelizationFactor:
      settings.parallelizationFactor ?? DEFAULTS.processor.parallelizationFactor,
    reportBatchItemFailures: true,
    onFailure: new SqsDlq(onFailure),
    ...(settings.maxRecordAge ? { maxRecordAge: settings.maxRecordAge } : {}),
  });
}
