import { LAMBDA_ENV, lambdaEnvironment } from '@market-stream/core';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import type { ServerlessFanout } from '../fanout/ServerlessFanout.js';
import {
  acknowledgeWildcards,
  DATA_GRANT_ALLOWANCES,
  MANAGE_CONNECTIONS_ALLOWANCE,
} from '../internal/acknowledge.js';
import { BundledFunction } from '../internal/BundledFunction.js';
import { createKinesisEventSource } from '../internal/kinesisEventSource.js';
import { createOnFailureQueue } from '../internal/onFailureQueue.js';

/**
 * Props of {@link TradeProcessor}. Give `existingDeadLetterQueue` or `deadLetterQueueProps`, not
 * both; give `historyTable`, `fanout` or both.
 *
 * @example
 * ```ts
 * import type { TradeProcessorProps } from '@market-stream/cdk-constructs';
 *
 * const props: TradeProcessorProps = { stream: trades.stream, historyTable: history.table, batchSize: 500 };
 * ```
 */
export interface TradeProcessorProps {
  /** The stream of trades (e.g. `tradeStream.stream`). */
  readonly stream: kinesis.IStream;
  /**
   * Write every trade to this history table (`HISTORY_TABLE`).
   * @default - no history
   */
  readonly historyTable?: dynamodb.ITable;
  /**
   * Send every trade to the subscribed connections of this serverless fan-out.
   * @default - no fan-out from the processor (the container topology reads the stream itself)
   */
  readonly fanout?: ServerlessFanout;
  /**
   * With `fanout`: send through a per-shard broadcaster function (the `broadcaster` handler) that
   * the processor invokes once per connection shard, so each shard's sends get a function's own
   * time and concurrency — for large deployments.
   * @default false — the processor sends to every shard itself
   */
  readonly shardBroadcaster?: boolean;
  /**
   * With `shardBroadcaster`: how often Lambda retries a broadcaster invocation that failed (0–2).
   * A retry comes a minute or more later, after newer batches, and clients drop trades older
   * than what they hold — so it would only reorder; a failed shard goes to the broadcast
   * on-failure queue instead, and its clients see a `seq` gap.
   * @default 0
   */
  readonly broadcasterRetryAttempts?: number;
  /**
   * With `shardBroadcaster`: how long a broadcaster invocation may wait in Lambda's asynchronous
   * queue (60 s–6 h) before it goes to the broadcast on-failure queue instead of delivering
   * stale prices.
   * @default Duration.seconds(60) — the shortest Lambda allows
   */
  readonly broadcasterMaxEventAge?: Duration;
  /**
   * Most records per invocation (1–10,000).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * How long to gather records before invoking (0–300 s).
   * @default Duration.seconds(0) — a ticker wants trades now
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch before its records are reported to the on-failure queue (0–10,000).
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * Split a failing batch in two and retry the halves, isolating a poison record.
   * @default true
   */
  readonly bisectBatchOnError?: boolean;
  /**
   * Batches processed concurrently per shard (1–10); order is kept per partition key (symbol).
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Where reading starts on first deployment.
   * @default lambda.StartingPosition.LATEST
   */
  readonly startingPosition?: lambda.StartingPosition;
  /**
   * Drop (to the on-failure queue) records older than this.
   * @default - records are retried until `retryAttempts` or expiry
   */
  readonly maxRecordAge?: Duration;
  /**
   * Use this queue as the on-failure destination instead of creating one.
   * @default - a new queue
   */
  readonly existingDeadLetterQueue?: sqs.IQueue;
  /**
   * Settings of the new on-failure queue, merged over the defaults.
   * @default - SQS-managed encryption, TLS enforced, 14-day retention
   */
  readonly deadLetterQueueProps?: sqs.QueueProps;
  /**
   * Function memory in MiB (CPU scales with it; fan-out is CPU bound).
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Function timeout.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Lambda runtime.
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Log retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Create the error and on-failure alarms.
   * @default true
   */
  readonly alarms?: boolean;
}

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

/** The function settings the processor and the broadcaster share. */
function functionSettings(props: TradeProcessorProps) {
  return {
    memorySize: props.memorySize ?? DEFAULTS.processor.memoryMiB,
    timeout: props.timeout ?? Duration.seconds(DEFAULTS.processor.timeoutSeconds),
    runtime: props.runtime,
    logRetention: props.logRetention,
  };
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
  /** The Kinesis event source mapping. */
  readonly eventSource: KinesisEventSource;
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
    ({ function: this.function, logGroup: this.logGroup } = this.createFunction(props));
    props.historyTable?.grantWriteData(this.function);
    props.fanout?.grantPublish(this.function);
    if (props.shardBroadcaster && props.fanout) {
      this.broadcaster = this.createBroadcaster(props.fanout, props);
      this.broadcastFailureQueue = this.configureBroadcasterInvokes(this.broadcaster, props);
    }

    this.deadLetterQueue =
      props.existingDeadLetterQueue ??
      createOnFailureQueue(
        this,
        'OnFailure',
        'the Kinesis event source mapping',
        props.deadLetterQueueProps,
      );
    this.eventSource = createKinesisEventSource(props.stream, this.deadLetterQueue, props);
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

    if (props.alarms ?? true) {
      ({
        errorsAlarm: this.errorsAlarm,
        deadLetterAlarm: this.deadLetterAlarm,
        broadcastFailureAlarm: this.broadcastFailureAlarm,
      } = this.createAlarms());
    }
  }

  /**
   * The processor function (`Handler`): the fan-out `processor` handler, or without a fan-out
   * (the container topology, whose nodes read the stream themselves) the history-only `recorder`.
   */
  private createFunction(props: TradeProcessorProps): BundledFunction {
    return new BundledFunction(this, 'Handler', {
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
      ...functionSettings(props),
    });
  }

  /** The per-shard broadcaster (`Broadcaster`), publishing to `fanout` and invoked by the processor. */
  private createBroadcaster(fanout: ServerlessFanout, props: TradeProcessorProps): lambda.Function {
    const broadcaster = new BundledFunction(this, 'Broadcaster', {
      handler: 'broadcaster',
      description: 'market-stream broadcaster: sends one connection shard its trades',
      environment: fanout.publisherEnvironment(),
      ...functionSettings(props),
    }).function;
    fanout.grantPublish(broadcaster);
    broadcaster.grantInvoke(this.function);
    this.function.addEnvironment(LAMBDA_ENV.broadcasterFunction, broadcaster.functionName);
    return broadcaster;
  }

  /** Bounds the broadcaster's asynchronous invocations and gives them an on-failure queue. */
  private configureBroadcasterInvokes(
    broadcaster: lambda.Function,
    props: TradeProcessorProps,
  ): sqs.Queue {
    const retryAttempts =
      props.broadcasterRetryAttempts ?? DEFAULTS.processor.broadcasterRetryAttempts;
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 2) {
      throw new ConstructPropsError('TradeProcessor', 'broadcasterRetryAttempts must be 0, 1 or 2');
    }
    const queue = createOnFailureQueue(
      this,
      'BroadcastOnFailure',
      "the broadcaster's asynchronous invocations",
    );
    broadcaster.configureAsyncInvoke({
      retryAttempts,
      maxEventAge:
        props.broadcasterMaxEventAge ??
        Duration.seconds(DEFAULTS.processor.broadcasterMaxEventAgeSeconds),
      onFailure: new SqsDestination(queue),
    });
    return queue;
  }

  /** The errors and on-failure alarms, and the broadcast on-failure alarm with a broadcaster. */
  private createAlarms(): {
    errorsAlarm: cloudwatch.Alarm;
    deadLetterAlarm: cloudwatch.Alarm;
    broadcastFailureAlarm?: cloudwatch.Alarm;
  } {
    const errorsAlarm = this.metricErrors().createAlarm(this, 'ErrorsAlarm', {
      alarmDescription: 'The trade processor is failing batches',
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const deadLetterAlarm = this.metricDeadLetters().createAlarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Trade batches gave up after retries (see the on-failure queue)',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (!this.broadcastFailureQueue) return { errorsAlarm, deadLetterAlarm };
    const broadcastFailureAlarm = this.metricBroadcastFailures().createAlarm(
      this,
      'BroadcastFailureAlarm',
      {
        alarmDescription:
          'A connection shard missed a batch: its broadcaster failed (see the broadcast on-failure queue)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      },
    );
    return { errorsAlarm, deadLetterAlarm, broadcastFailureAlarm };
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
