import { Duration, Names } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  KinesisConsumerEventSource,
  KinesisEventSource,
  type KinesisEventSourceProps,
  SqsDlq,
} from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
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
  | 'readMode'
>;

/** What {@link createKinesisEventSource} builds. */
export interface KinesisEventSourceParts {
  /** The event source, on the consumer when reading by push, else on the stream. */
  readonly eventSource: KinesisEventSource | KinesisConsumerEventSource;
  /** The enhanced fan-out consumer (`Consumer`); undefined when reading by polling. */
  readonly consumer?: kinesis.StreamConsumer;
}

/**
 * A Kinesis event source with partial batch responses on, bisect-on-error by default, and
 * `onFailure` as the destination of batches that gave up. With `readMode: 'push'` (the default)
 * it reads through a new enhanced fan-out consumer of `stream` (`Consumer`, named after its
 * construct path), so Lambda receives records by push; with `'poll'` it is Lambda's standard
 * source, polling each shard once per second. Every other setting is the same in both modes.
 *
 * @example
 * ```ts
 * const { eventSource } = createKinesisEventSource(this, stream, queue, { batchSize: 200 });
 * fn.addEventSource(eventSource);
 * ```
 */
export function createKinesisEventSource(
  scope: Construct,
  stream: kinesis.IStream,
  onFailure: sqs.IQueue,
  settings: KinesisEventSourceSettings,
): KinesisEventSourceParts {
  const props: KinesisEventSourceProps = {
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
  };
  if ((settings.readMode ?? DEFAULTS.processor.readMode) === 'poll') {
    return { eventSource: new KinesisEventSource(stream, props) };
  }
  const consumer = new kinesis.StreamConsumer(scope, 'Consumer', {
    stream,
    // Consumer names are unique per stream; the construct path keeps two processors apart.
    streamConsumerName: Names.uniqueResourceName(scope, { maxLength: 128 }),
  });
  return { eventSource: new KinesisConsumerEventSource(consumer, props), consumer };
}
