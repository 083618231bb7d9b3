import { lambdaEnvironment } from '@market-stream/core';
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type {
  KinesisConsumerEventSource,
  KinesisEventSource,
} from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import {
  acknowledgeWildcards,
  DATA_GRANT_ALLOWANCES,
  MANAGE_CONNECTIONS_ALLOWANCE,
} from '../internal/acknowledge.js';
import { BundledFunction } from '../internal/BundledFunction.js';
import { type FunctionSettings, functionSettings } from '../internal/functionSettings.js';
import { createKinesisEventSource } from '../internal/kinesisEventSource.js';
import { createOnFailureQueue } from '../internal/onFailureQueue.js';
import { createShardBroadcaster } from '../internal/shardBroadcaster.js';
import { createThresholdAlarm } from '../internal/thresholdAlarm.js';
import type { TradeProcessorProps } from './TradeProcessorProps.js';

/**
 * Checks the props.
 * @throws ConstructPropsError on conflicting props or neither `historyTable` nor `fanout`.
 */
function checkProps(props: TradeProcessorProps): void {
  if (props.existingDeadLetterQueue && props.deadLetterQueueProps) {
    throw new ConstructPropsError(
      'TradeProcessor',
      'give existingDeadLetterQueue or deadLetterQueueProps, not both',
    );
  }
  if (!props.fanout && !props.historyTable) {
    throw new ConstructPropsError('TradeProcessor', 'give historyTable or fanout (or both)');
  }
}

/**
 * The processor function (`Handler`): the fan-out `processor` handler, or without a fan-out
 * (the container topology, whose nodes read the stream themselves) the history-only `recorder`.
 */
function createProcessorFunction(
  scope: Construct,
  props: TradeProcessorProps,
  settings: FunctionSettings,
): BundledFunction {
  return new BundledFunction(scope, 'Handler', {
    ...(props.fanout
      ? {
          handler: 'processor' as const,
          description: 'market-stream processor: history and fan-out of the trade stream',
        }
      : {
          handler: 'recorder' as const,
          description: 'market-stream recorder: trade history from the stream',
        }),
    environment: {
      ...props.fanout?.publisherEnvironment(),
      ...lambdaEnvironment({ historyTable: props.historyTable?.tableName }),
    },
    ...settings,
  });
}

/**
 * The stream processor: a Lambda function on the trade stream running the `processor` handler of
 * `@market-stream/fanout/lambda` — decode, optionally write history, fan out to every connection
 * shard in parallel — with a partial batch response. Without `fanout` it runs the history-only
 * recorder (sinks' `processTrades` + `toDynamo`) instead.
 *
 * Guarantees: `ReportBatchItemFailures` is on, so only the records after the first failure are
 * retried; bisect-on-error isolates a poison record; after `retryAttempts` the failed batch's
 * shard and sequence range goes to the SQS on-failure queue (never silent loss, the records can
 * be re-read while the stream retains them). Per-shard order is kept (parallelization 1).
 * Reading: by default through an enhanced fan-out consumer of its own (`consumer`, one of the
 * stream's 20), so records arrive by push at ~70 ms instead of Lambda's once-per-second poll;
 * `readMode: 'poll'` keeps the standard event source. The role gets what the CDK grants a
 * consumer event source: `DescribeStreamConsumer` and `SubscribeToShard` on that consumer, and
 * the stream's read actions (named, on the stream), which Lambda's documented Kinesis
 * permissions include for either source.
 * With `shardBroadcaster`, a broadcaster invocation that fails or waits too long in Lambda's
 * asynchronous queue is not retried out of order but sent to `broadcastFailureQueue` (alarmed).
 *
 * @example
 * ```ts
 * import { TradeProcessor } from '@market-stream/cdk-constructs';
 *
 * const processor = new TradeProcessor(stack, 'Processor', {
 *   stream: trades.stream,
 *   historyTable: history.table,
 *   fanout,
 *   batchSize: 200,
 * });
 * processor.deadLetterAlarm?.addAlarmAction(notifyOps);
 * ```
 */
export class TradeProcessor extends Construct {
  /** The processor function. */
  readonly function: lambda.Function;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The per-shard broadcaster; undefined unless `shardBroadcaster` is on. */
  readonly broadcaster?: lambda.Function;
  /**
   * On-failure destination of the broadcaster's asynchronous invocations: each message holds
   * the failed request (shard, trades) and the error. Undefined unless `shardBroadcaster` is on.
   */
  readonly broadcastFailureQueue?: sqs.Queue;
  /** Fires when a broadcast lands in its on-failure queue; undefined without one or `alarms: false`. */
  readonly broadcastFailureAlarm?: cloudwatch.Alarm;
  /** The Kinesis event source: on `consumer` when reading by push, else on the stream. */
  readonly eventSource: KinesisEventSource | KinesisConsumerEventSource;
  /** The enhanced fan-out consumer the function reads through; undefined with `readMode: 'poll'`. */
  readonly consumer?: kinesis.StreamConsumer;
  /** The on-failure destination of the event source mapping. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Fires when the function errors; undefined when `alarms: false`. */
  readonly errorsAlarm?: cloudwatch.Alarm;
  /** Fires when a batch lands in the on-failure queue; undefined when `alarms: false`. */
  readonly deadLetterAlarm?: cloudwatch.Alarm;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link TradeProcessorProps}.
   * @throws ConstructPropsError when both `existingDeadLetterQueue` and `deadLetterQueueProps`
   * are given, or neither `historyTable` nor `fanout`.
   */
  constructor(scope: Construct, id: string, props: TradeProcessorProps) {
    super(scope, id);
    checkProps(props);
    const settings = functionSettings(DEFAULTS.processor, props);
    ({ function: this.function, logGroup: this.logGroup } = createProcessorFunction(
      this,
      props,
      settings,
    ));
    props.historyTable?.grantWriteData(this.function);
    props.fanout?.grantPublish(this.function);
    if ((props.shardBroadcaster ?? DEFAULTS.processor.shardBroadcaster) && props.fanout) {
      ({ broadcaster: this.broadcaster, failureQueue: this.broadcastFailureQueue } =
        createShardBroadcaster(this, {
          ...props,
          fanout: props.fanout,
          processor: this.function,
          settings,
        }));
    }

    this.deadLetterQueue =
      props.existingDeadLetterQueue ??
      createOnFailureQueue(
        this,
        'OnFailure',
        'the Kinesis event source mapping',
        props.deadLetterQueueProps,
      );
    ({ eventSource: this.eventSource, consumer: this.consumer } = createKinesisEventSource(
      this,
      props.stream,
      this.deadLetterQueue,
      props,
    ));
    this.function.addEventSource(this.eventSource);
    acknowledgeWildcards(this, [
      MANAGE_CONNECTIONS_ALLOWANCE,
      ...DATA_GRANT_ALLOWANCES,
      {
        actions: (action) => action === 'lambda:InvokeFunction',
        resources: (resource) => resource.endsWith('.Arn>:*'),
        reason: 'Invoking the broadcaster covers its versions and aliases (<function arn>:*).',
      },
    ]);

    if (props.alarms ?? DEFAULTS.alarms) {
      this.errorsAlarm = createThresholdAlarm(this, 'ErrorsAlarm', this.metricErrors(), {
        description: 'The trade processor is failing batches',
        threshold: 1,
        evaluationPeriods: 3,
      });
      this.deadLetterAlarm = createThresholdAlarm(
        this,
        'DeadLetterAlarm',
        this.metricDeadLetters(),
        {
          description: 'Trade batches gave up after retries (see the on-failure queue)',
          threshold: 1,
          evaluationPeriods: 1,
        },
      );
      if (this.broadcastFailureQueue) {
        this.broadcastFailureAlarm = createThresholdAlarm(
          this,
          'BroadcastFailureAlarm',
          this.metricBroadcastFailures(),
          {
            description:
              'A connection shard missed a batch: its broadcaster failed (see the broadcast on-failure queue)',
            threshold: 1,
            evaluationPeriods: 1,
          },
        );
      }
    }
  }

  /**
   * Lets `grantee` read and delete the failed-batch notices of the on-failure queue.
   * @param grantee - A role or function.
   * @returns The grant.
   */
  grantConsumeDeadLetters(grantee: iam.IGrantable): iam.Grant {
    return this.deadLetterQueue.grantConsumeMessages(grantee);
  }

  /**
   * Function errors (sum, 1 minute).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metricErrors({ period: Duration.minutes(1), ...props });
  }

  /**
   * How far behind the stream the processor is: age of the last record of each batch (maximum,
   * 1 minute).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.function.metric('IteratorAge', {
      statistic: 'Maximum',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Failed broadcasts waiting in the broadcast on-failure queue (maximum, 1 minute).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   * @throws ConstructPropsError when the processor has no broadcaster.
   */
  metricBroadcastFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.broadcastFailureQueue) {
      throw new ConstructPropsError('TradeProcessor', 'there is no broadcaster (shardBroadcaster)');
    }
    return this.broadcastFailureQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Failed-batch notices waiting in the on-failure queue (maximum, 1 minute).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricDeadLetters(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: Duration.minutes(1),
      ...props,
    });
  }
}
