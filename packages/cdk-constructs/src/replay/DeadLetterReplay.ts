import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import { acknowledgeWildcards, DATA_GRANT_ALLOWANCES } from '../internal/acknowledge.js';
import { BundledFunction } from '../internal/BundledFunction.js';
import { type FunctionOverrides, functionSettings } from '../internal/functionSettings.js';
import { createThresholdAlarm } from '../internal/thresholdAlarm.js';
import { REPLAY_ENV } from './DeadLetterReplayEnvironment.js';

/**
 * Props of {@link DeadLetterReplay}.
 *
 * @example
 * ```ts
 * import type { DeadLetterReplayProps } from '@market-stream/cdk-constructs';
 *
 * const props: DeadLetterReplayProps = { queue: processor.deadLetterQueue, stream: trades.stream, historyTable: history.table };
 * ```
 */
export interface DeadLetterReplayProps extends FunctionOverrides {
  /** The dead-letter (or on-failure) queue to drain. */
  readonly queue: sqs.IQueue;
  /**
   * The history table: dead letters of `toDynamo` and (with `onFailureSink: 'dynamodb'`)
   * on-failure ranges are written to it (`dynamodb:BatchWriteItem` only).
   * @default - none; such messages are kept (`no-sink`)
   */
  readonly historyTable?: dynamodb.ITable;
  /**
   * The stream on-failure ranges are re-read from (GetShardIterator, GetRecords, ListShards,
   * DescribeStream(Summary) on it only).
   * @default - none; on-failure records are kept (`no-sink`)
   */
  readonly stream?: kinesis.IStream;
  /**
   * Also let the function `kinesis:PutRecords` on `stream`: for dead letters of `toKinesis`
   * (the ingest API's), or `onFailureSink: 'kinesis'`. Without it such messages are kept
   * (`delivery-failed`, access denied).
   * @default false
   */
  readonly writeToStream?: boolean;
  /**
   * Where the trades of an on-failure range go: the sink the failed function wrote to.
   * @default 'dynamodb'
   */
  readonly onFailureSink?: 'dynamodb' | 'kinesis';
  /**
   * Most messages one invocation receives (an invocation may ask for fewer).
   * @default 1000 (`REPLAY_DEFAULTS.maxMessages` of `@market-stream/sinks`)
   */
  readonly maxMessages?: number;
  /**
   * Create the alarms (a run kept messages; the function failed).
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
}

/**
 * An on-demand Lambda that drains one dead-letter queue back into the sinks once the cause of
 * the failures is fixed: the `createReplayHandler` of `@market-stream/sinks/lambda` (sinks'
 * `replayDeadLetters`). No schedule and no event source: it runs when invoked
 * (`aws lambda invoke --function-name <name> --payload '{"dryRun":true}' out.json`) and returns
 * the report (replayed, kept with reasons, deleted).
 *
 * Guarantees: a message is deleted only once its trades are delivered; what cannot be replayed
 * (malformed, past the stream's retention, refused again) stays in the queue and is reported;
 * idempotent by `symbol#seq`; a run stops receiving 30 s before the function's timeout (what it
 * did not reach stays in the queue: `stopped: true`, invoke again). Least privilege: receive,
 * delete and change visibility on the queue; read the stream; BatchWriteItem on the table.
 * Each run logs its counts as Embedded Metric Format; `keptAlarm` fires when a run kept messages.
 *
 * @example
 * ```ts
 * import { DeadLetterReplay } from '@market-stream/cdk-constructs';
 *
 * const replay = new DeadLetterReplay(stack, 'Replay', {
 *   queue: processor.deadLetterQueue,
 *   stream: trades.stream,
 *   historyTable: history.table,
 * });
 * new CfnOutput(stack, 'ReplayFunction', { value: replay.function.functionName });
 * ```
 */
export class DeadLetterReplay extends Construct {
  /** The replay function. */
  readonly function: lambda.Function;
  /** The function's log group (bounded retention). */
  readonly logGroup: logs.LogGroup;
  /** The queue it drains. */
  readonly queue: sqs.IQueue;
  /** Fires when a run kept messages; undefined when `alarms: false`. */
  readonly keptAlarm?: cloudwatch.Alarm;
  /** Fires when the function fails (e.g. SQS unreadable, a bad event); undefined when `alarms: false`. */
  readonly errorsAlarm?: cloudwatch.Alarm;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link DeadLetterReplayProps}.
   * @throws ConstructPropsError without `historyTable` and `stream`, or with `writeToStream`
   *   or `onFailureSink: 'kinesis'` but no `stream`.
   */
  constructor(scope: Construct, id: string, props: DeadLetterReplayProps) {
    super(scope, id);
    checkProps(props);
    this.queue = props.queue;
    const bundled = new BundledFunction(this, 'Handler', {
      handler: 'replay',
      description: 'market-stream dead-letter replay: invoke on demand',
      environment: replayEnvironment(props),
      ...functionSettings(DEFAULTS.deadLetterReplay, props),
    });
    ({ function: this.function, logGroup: this.logGroup } = bundled);
    this.grantData(props);
    if (props.alarms ?? DEFAULTS.alarms) {
      this.keptAlarm = createThresholdAlarm(this, 'KeptAlarm', this.metricKept(), {
        description: 'A dead-letter replay run kept messages: read its report',
        threshold: 1,
        evaluationPeriods: 1,
      });
      this.errorsAlarm = createThresholdAlarm(this, 'ErrorsAlarm', this.function.metricErrors(), {
        description: 'The dead-letter replay function fails',
        threshold: 1,
        evaluationPeriods: 1,
      });
    }
  }

  /**
   * Lets `grantee` run a replay: `lambda:InvokeFunction` on this function's unqualified ARN
   * (not its versions and aliases, which the construct does not publish).
   * @param grantee - A role, user or service principal.
   * @returns The grant.
   */
  grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [this.function.functionArn],
    });
  }

  /**
   * Messages runs kept in the queue (sum over `period`), from the EMF counts the handler logs.
   * @param props - Metric overrides.
   * @returns The metric.
   */
  metricKept(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricCount('Kept', props);
  }

  /**
   * Messages runs replayed and deleted (sum over `period`).
   * @param props - Metric overrides.
   * @returns The metric.
   */
  metricDeleted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricCount('Deleted', props);
  }

  private metricCount(name: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: DEFAULTS.deadLetterReplay.metricNamespace,
      metricName: name,
      dimensionsMap: { FunctionName: this.function.functionName },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
    });
  }

  private grantData(props: DeadLetterReplayProps): void {
    props.queue.grant(
      this.function,
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
    );
    props.queue.encryptionMasterKey?.grantDecrypt(this.function);
    if (props.stream) {
      props.stream.grant(
        this.function,
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:ListShards',
        'kinesis:GetShardIterator',
        'kinesis:GetRecords',
      );
      props.stream.encryptionKey?.grantDecrypt(this.function);
      if (props.writeToStream) {
        props.stream.grant(this.function, 'kinesis:PutRecords');
        props.stream.encryptionKey?.grantEncrypt(this.function);
      }
    }
    if (props.historyTable) {
      props.historyTable.grant(this.function, 'dynamodb:BatchWriteItem');
      props.historyTable.encryptionKey?.grantEncryptDecrypt(this.function);
    }
    acknowledgeWildcards(this, DATA_GRANT_ALLOWANCES);
  }
}

function checkProps(props: DeadLetterReplayProps): void {
  if (!props.historyTable && !props.stream) {
    throw new ConstructPropsError('DeadLetterReplay', 'give historyTable or stream (or both)');
  }
  if ((props.writeToStream || props.onFailureSink === 'kinesis') && !props.stream) {
    throw new ConstructPropsError(
      'DeadLetterReplay',
      "writeToStream and onFailureSink: 'kinesis' need a stream",
    );
  }
  if (props.onFailureSink === 'kinesis' && !props.writeToStream) {
    throw new ConstructPropsError(
      'DeadLetterReplay',
      "onFailureSink: 'kinesis' writes to the stream: set writeToStream: true",
    );
  }
}

function replayEnvironment(props: DeadLetterReplayProps): Record<string, string> {
  const environment: Record<string, string> = {
    [REPLAY_ENV.queueUrl]: props.queue.queueUrl,
    [REPLAY_ENV.metricNamespace]: DEFAULTS.deadLetterReplay.metricNamespace,
  };
  if (props.historyTable) environment[REPLAY_ENV.historyTable] = props.historyTable.tableName;
  if (props.stream) environment[REPLAY_ENV.streamName] = props.stream.streamName;
  if (props.onFailureSink) environment[REPLAY_ENV.onFailureSink] = props.onFailureSink;
  if (props.maxMessages !== undefined) {
    environment[REPLAY_ENV.maxMessages] = String(props.maxMessages);
  }
  return environment;
}
