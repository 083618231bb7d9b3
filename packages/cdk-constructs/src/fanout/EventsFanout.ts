import { APPSYNC_EVENTS_PROTOCOL, lambdaEnvironment } from '@market-stream/core';
import { Duration } from 'aws-cdk-lib';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
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
import { acknowledgeWildcards, DATA_GRANT_ALLOWANCES } from '../internal/acknowledge.js';
import { BundledFunction } from '../internal/BundledFunction.js';
import { functionSettings } from '../internal/functionSettings.js';
import { createKinesisEventSource } from '../internal/kinesisEventSource.js';
import { createOnFailureQueue } from '../internal/onFailureQueue.js';
import { createThresholdAlarm } from '../internal/thresholdAlarm.js';
import { createEventsApi } from './EventsFanoutApi.js';
import type { EventsFanoutProps } from './EventsFanoutProps.js';

/**
 * The `events` fan-out: AWS AppSync Events does the fan-out. An Event API (`api`) with the
 * `trades` channel namespace (`TRADES_NAMESPACE`), and the events processor — a Lambda function on
 * the trade stream running `eventsProcessor` of `@market-stream/fanout/lambda` — that publishes
 * each Kinesis batch as one event per symbol channel (`/trades/AAPL`, trades in `seq` order,
 * split under the 240 KB event limit) to the HTTP endpoint (`EVENT_API_ENDPOINT`,
 * `https://{httpDns}/event`), signed with SigV4. Browsers subscribe to their symbols' channels on
 * `realtimeUrl`; snapshots and recovery come from the history API.
 *
 * Guarantees: the processor's role may `appsync:EventPublish` on this API's `trades` namespace
 * only (`arn:…:apis/{apiId}/channelNamespace/trades`) and publishes are IAM-only, so the
 * browsers' credentials (an API key by default, see {@link EventsSubscriberAuth}) can connect
 * and subscribe but never publish. Like {@link TradeProcessor}: `ReportBatchItemFailures`, bisect
 * on error, per-shard order (parallelization 1), and after `retryAttempts` the batch's shard and
 * sequence range goes to the SQS on-failure queue, never silently lost; reading by push through
 * an enhanced fan-out consumer of its own by default (one of the stream's 20).
 * Alarms: processor errors, iterator age, on-failure notices, and the Event API's HTTP `5XXError`
 * and `4XXError` (namespace `AWS/AppSync`, dimension `EventAPIId`); AppSync Events publishes no
 * separate throttle metric — a throttled publish is a 4XX.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/cw-metrics.html
 *
 * @example
 * ```ts
 * import { EventsFanout } from '@market-stream/cdk-constructs';
 *
 * const fanout = new EventsFanout(stack, 'Events', { stream: trades.stream });
 * new CfnOutput(stack, 'RealtimeUrl', { value: fanout.realtimeUrl });
 * fanout.serverErrorsAlarm?.addAlarmAction(notifyOps);
 * ```
 */
export class EventsFanout extends Construct {
  /** The Event API. */
  readonly api: appsync.EventApi;
  /** The `trades` channel namespace. */
  readonly namespace: appsync.ChannelNamespace;
  /** The browsers' API key; undefined unless `subscriberAuth` is `apiKey`. */
  readonly apiKey?: appsync.CfnApiKey;
  /** The Event API's error logs (`/aws/appsync/apis/{apiId}`, bounded retention). */
  readonly apiLogGroup: logs.LogGroup;
  /** The events processor function. */
  readonly function: lambda.Function;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The Kinesis event source: on `consumer` when reading by push, else on the stream. */
  readonly eventSource: KinesisEventSource | KinesisConsumerEventSource;
  /** The enhanced fan-out consumer the function reads through; undefined with `readMode: 'poll'`. */
  readonly consumer?: kinesis.StreamConsumer;
  /** The on-failure destination of the event source mapping. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Fires when the processor errors; undefined when `alarms: false`. */
  readonly errorsAlarm?: cloudwatch.Alarm;
  /** Fires when the processor falls behind the stream; undefined when `alarms: false`. */
  readonly iteratorAgeAlarm?: cloudwatch.Alarm;
  /** Fires when a batch lands in the on-failure queue; undefined when `alarms: false`. */
  readonly deadLetterAlarm?: cloudwatch.Alarm;
  /** Fires on the Event API's HTTP 5XX answers; undefined when `alarms: false`. */
  readonly serverErrorsAlarm?: cloudwatch.Alarm;
  /** Fires on the Event API's HTTP 4XX answers (throttles, refused auth); undefined when `alarms: false`. */
  readonly clientErrorsAlarm?: cloudwatch.Alarm;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link EventsFanoutProps}.
   * @throws ConstructPropsError when both `existingDeadLetterQueue` and `deadLetterQueueProps`
   * are given.
   */
  constructor(scope: Construct, id: string, props: EventsFanoutProps) {
    super(scope, id);
    if (props.existingDeadLetterQueue && props.deadLetterQueueProps) {
      throw new ConstructPropsError(
        'EventsFanout',
        'give existingDeadLetterQueue or deadLetterQueueProps, not both',
      );
    }
    ({
      api: this.api,
      namespace: this.namespace,
      apiKey: this.apiKey,
      logGroup: this.apiLogGroup,
    } = createEventsApi(this, props));

    ({ function: this.function, logGroup: this.logGroup } = new BundledFunction(this, 'Handler', {
      handler: 'eventsProcessor',
      description: 'market-stream events processor: publishes the trade stream to AppSync Events',
      environment: lambdaEnvironment({ eventApiEndpoint: this.publishUrl }),
      ...functionSettings(DEFAULTS.events, props),
    }));
    this.grantPublish(this.function);
    this.deadLetterQueue =
      props.existingDeadLetterQueue ??
      createOnFailureQueue(
        this,
        'OnFailure',
        'the events processor’s Kinesis event source mapping',
        props.deadLetterQueueProps,
      );
    ({ eventSource: this.eventSource, consumer: this.consumer } = createKinesisEventSource(
      this,
      props.stream,
      this.deadLetterQueue,
      props,
    ));
    this.function.addEventSource(this.eventSource);
    acknowledgeWildcards(this, DATA_GRANT_ALLOWANCES);

    if (props.alarms ?? DEFAULTS.alarms) {
      this.errorsAlarm = createThresholdAlarm(this, 'ErrorsAlarm', this.metricErrors(), {
        description: 'The events processor is failing batches',
        threshold: 1,
        evaluationPeriods: 3,
      });
      this.iteratorAgeAlarm = createThresholdAlarm(
        this,
        'IteratorAgeAlarm',
        this.metricIteratorAge(),
        {
          description: 'The events processor is falling behind the trade stream',
          threshold: DEFAULTS.events.iteratorAgeAlarmMs,
          evaluationPeriods: 3,
        },
      );
      this.deadLetterAlarm = createThresholdAlarm(
        this,
        'DeadLetterAlarm',
        this.metricDeadLetters(),
        {
          description: 'Trade batches gave up publishing after retries (see the on-failure queue)',
          threshold: 1,
          evaluationPeriods: 1,
        },
      );
      this.serverErrorsAlarm = createThresholdAlarm(
        this,
        'ServerErrorsAlarm',
        this.metricServerErrors(),
        {
          description: 'The Event API answers publishes with server errors (HTTP 5XX)',
          threshold: DEFAULTS.events.serverErrorAlarmCount,
          evaluationPeriods: 1,
        },
      );
      this.clientErrorsAlarm = createThresholdAlarm(
        this,
        'ClientErrorsAlarm',
        this.metricClientErrors(),
        {
          description:
            'The Event API refuses HTTP requests (4XX: throttled, unauthorized or malformed publishes)',
          threshold: DEFAULTS.events.clientErrorAlarmCount,
          evaluationPeriods: 1,
        },
      );
    }
  }

  /** The HTTP domain of the Event API (the `host` browsers put in their auth header). */
  get httpDns(): string {
    return this.api.httpDns;
  }

  /** `wss://{realtimeDns}/event/realtime`: where browsers connect. */
  get realtimeUrl(): string {
    return `wss://${this.api.realtimeDns}${APPSYNC_EVENTS_PROTOCOL.realtimePath}`;
  }

  /** `https://{httpDns}/event`: where the processor publishes (`EVENT_API_ENDPOINT`). */
  get publishUrl(): string {
    return `https://${this.api.httpDns}${APPSYNC_EVENTS_PROTOCOL.publishPath}`;
  }

  /**
   * Lets `grantee` publish to the `trades` namespace: `appsync:EventPublish` on
   * `arn:…:apis/{apiId}/channelNamespace/trades`, nothing else.
   * @param grantee - A role or function.
   * @returns The grant.
   */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.namespace.grantPublish(grantee);
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
   * Processor errors (sum, 1 minute).
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

  /**
   * The Event API's HTTP server errors, `5XXError` (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricApi('5XXError', props);
  }

  /**
   * The Event API's HTTP client errors, `4XXError` (sum, 5 minutes): malformed or unauthorized
   * requests and throttles.
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricApi('4XXError', props);
  }

  /**
   * One of the Event API's HTTP endpoint metrics (`AWS/AppSync`, dimension `EventAPIId`): e.g.
   * `Requests`, `Latency`, `4XXError`, `5XXError` (sum, 5 minutes).
   * @param metricName - The metric's name.
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricApi(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/AppSync',
      metricName,
      dimensionsMap: { EventAPIId: this.api.apiId },
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
    });
  }
}
