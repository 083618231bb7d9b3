import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import { createThresholdAlarm } from '../internal/thresholdAlarm.js';

/**
 * Props of {@link TradeStream}. Give `existingStream` or `streamProps`, not both.
 *
 * @example
 * ```ts
 * import { Duration } from 'aws-cdk-lib';
 * import { StreamMode } from 'aws-cdk-lib/aws-kinesis';
 * import type { TradeStreamProps } from '@market-stream/cdk-constructs';
 *
 * const props: TradeStreamProps = {
 *   streamProps: { streamMode: StreamMode.PROVISIONED, shardCount: 2 },
 *   iteratorAgeAlarmThreshold: Duration.seconds(30),
 * };
 * ```
 */
export interface TradeStreamProps {
  /**
   * Use this stream instead of creating one (alarms, grants and metrics still work on it).
   * @default - a new stream built from `streamProps`
   */
  readonly existingStream?: kinesis.IStream;
  /**
   * Settings of the new stream, merged over the secure defaults. Provisioned capacity:
   * `{ streamMode: StreamMode.PROVISIONED, shardCount: 4 }`; your own key:
   * `{ encryption: StreamEncryption.KMS, encryptionKey }`.
   * @default - on-demand, server-side encryption with the AWS managed KMS key (`aws/kinesis`),
   * 24-hour retention
   */
  readonly streamProps?: kinesis.StreamProps;
  /**
   * Create the iterator-age and throttling alarms. Add actions with `alarm.addAlarmAction()`.
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
  /**
   * The iterator-age alarm fires when the oldest unread record is older than this.
   * @default Duration.minutes(1)
   */
  readonly iteratorAgeAlarmThreshold?: Duration;
}

/**
 * The Kinesis data stream that carries every trade from producers to the processor and the
 * container fan-out nodes.
 *
 * Guarantees: encrypted at rest (KMS) and in transit (the Kinesis API is TLS only); order is kept
 * per partition key (the producer's `toKinesis` keys by symbol); records live for the retention
 * period, then expire. Alarms: iterator age (consumers falling behind), write throttling and read
 * throttling — each can be switched off with `alarms: false`.
 *
 * @example
 * ```ts
 * import { Stack } from 'aws-cdk-lib';
 * import { TradeStream } from '@market-stream/cdk-constructs';
 *
 * const trades = new TradeStream(stack, 'Trades');
 * trades.grantWrite(producerRole);
 * trades.iteratorAgeAlarm?.addAlarmAction(notifyOps);
 * ```
 */
export class TradeStream extends Construct {
  /** The stream (created or the one passed as `existingStream`). */
  readonly stream: kinesis.IStream;
  /** Fires when consumers fall behind; undefined when `alarms: false`. */
  readonly iteratorAgeAlarm?: cloudwatch.Alarm;
  /** Fires when writes are throttled; undefined when `alarms: false`. */
  readonly writeThrottleAlarm?: cloudwatch.Alarm;
  /** Fires when reads are throttled; undefined when `alarms: false`. */
  readonly readThrottleAlarm?: cloudwatch.Alarm;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link TradeStreamProps}.
   * @throws ConstructPropsError when both `existingStream` and `streamProps` are given.
   */
  constructor(scope: Construct, id: string, props: TradeStreamProps = {}) {
    super(scope, id);
    if (props.existingStream && props.streamProps) {
      throw new ConstructPropsError('TradeStream', 'give existingStream or streamProps, not both');
    }
    this.stream =
      props.existingStream ??
      new kinesis.Stream(this, 'Stream', {
        streamMode: kinesis.StreamMode.ON_DEMAND,
        encryption: kinesis.StreamEncryption.MANAGED,
        retentionPeriod: Duration.hours(DEFAULTS.stream.retentionHours),
        ...props.streamProps,
      });

    if (props.alarms ?? DEFAULTS.alarms) {
      const threshold =
        props.iteratorAgeAlarmThreshold ?? Duration.millis(DEFAULTS.stream.iteratorAgeAlarmMs);
      this.iteratorAgeAlarm = createThresholdAlarm(
        this,
        'IteratorAgeAlarm',
        this.metricIteratorAge(),
        {
          description: `Trades wait longer than ${threshold.toHumanString()} to be read`,
          threshold: threshold.toMilliseconds(),
          evaluationPeriods: 3,
          strictlyAbove: true,
        },
      );
      this.writeThrottleAlarm = createThresholdAlarm(
        this,
        'WriteThrottleAlarm',
        this.metricWriteThrottles(),
        {
          description: 'Producers are throttled writing trades',
          threshold: DEFAULTS.stream.throttleAlarmCount,
          evaluationPeriods: 1,
        },
      );
      this.readThrottleAlarm = createThresholdAlarm(
        this,
        'ReadThrottleAlarm',
        this.metricReadThrottles(),
        {
          description: 'Consumers are throttled reading trades',
          threshold: DEFAULTS.stream.throttleAlarmCount,
          evaluationPeriods: 1,
        },
      );
    }
  }

  /** The stream's name. */
  get streamName(): string {
    return this.stream.streamName;
  }

  /**
   * Lets `grantee` put records (and use the stream's key, when it has one). Named actions only.
   * @param grantee - A role, function or task.
   * @returns The grant.
   */
  grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.stream.grantWrite(grantee);
  }

  /**
   * Lets `grantee` read records (shards, iterators, GetRecords). Named actions only.
   * @param grantee - A role, function or task.
   * @returns The grant.
   */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.stream.grantRead(grantee);
  }

  /**
   * Age of the oldest record not yet read by a consumer (maximum, 1 minute).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricIteratorAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricGetRecordsIteratorAgeMilliseconds({
      statistic: 'Maximum',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Records rejected because the stream was over its write capacity (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricWriteThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', ...props });
  }

  /**
   * Reads rejected because consumers were over the stream's read capacity (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricReadThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricReadProvisionedThroughputExceeded({ statistic: 'Sum', ...props });
  }

  /**
   * Records written (sum, 5 minutes) — trades in per period.
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricIncomingRecords(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stream.metricIncomingRecords({ statistic: 'Sum', ...props });
  }
}
