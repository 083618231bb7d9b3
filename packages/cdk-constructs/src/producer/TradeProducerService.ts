import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import type { FargateServiceCommonProps } from '../fargate/FargateServiceCommonProps.js';
import { createFargateService } from '../internal/fargateService.js';
import { acknowledgeFargateTask } from '../internal/suppressions.js';

/**
 * Props of {@link TradeProducerService}. Give `image` or `dockerfileDirectory`; give `cluster`
 * or `vpc` (or neither).
 *
 * @example
 * ```ts
 * import type { TradeProducerServiceProps } from '@market-stream/cdk-constructs';
 *
 * const props: TradeProducerServiceProps = { stream: trades.stream, dockerfileDirectory: 'producer', tradesPerSecond: 100 };
 * ```
 */
export interface TradeProducerServiceProps extends FargateServiceCommonProps {
  /** The stream the producer writes to (`STREAM_NAME`). */
  readonly stream: kinesis.IStream;
  /**
   * The producer image, e.g. `ecs.ContainerImage.fromRegistry(...)`.
   * @default - built from `dockerfileDirectory`
   */
  readonly image?: ecs.ContainerImage;
  /**
   * A directory with a Dockerfile that runs the simulator into Kinesis (e.g.
   * `examples/full-stack/producer`); built for ARM64 at deploy time.
   * @default - `image` is used
   */
  readonly dockerfileDirectory?: string;
  /**
   * Trades per second across all tickers (`TRADES_PER_SECOND`).
   * @default 50
   */
  readonly tradesPerSecond?: number;
  /**
   * Tickers to simulate (`TICKERS`, comma separated).
   * @default DEFAULTS.tickers (core's `DEFAULT_SYMBOLS`: 20 large US stocks)
   */
  readonly tickers?: readonly string[];
  /**
   * Tasks to run.
   * @default 1
   */
  readonly desiredCount?: number;
  /**
   * Task CPU units.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 512
   */
  readonly memoryLimitMiB?: number;
}

/**
 * A Fargate (ARM64) service running the trade simulator into the stream.
 *
 * The container receives `STREAM_NAME`, `TRADES_PER_SECOND` and `TICKERS` (plus `AWS_REGION`
 * from Fargate) and gets `PutRecord(s)` on this stream only. Tasks run in private subnets
 * without inbound access; logs go to CloudWatch with bounded retention.
 *
 * @example
 * ```ts
 * import { TradeProducerService } from '@market-stream/cdk-constructs';
 *
 * new TradeProducerService(stack, 'Producer', {
 *   stream: trades.stream,
 *   dockerfileDirectory: 'examples/full-stack/producer',
 *   tradesPerSecond: 200,
 *   tickers: ['AAPL', 'MSFT', 'TSLA'],
 * });
 * ```
 */
export class TradeProducerService extends Construct {
  /** The cluster the service runs in. */
  readonly cluster: ecs.ICluster;
  /** The task definition (ARM64, Linux). */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The producer container. */
  readonly container: ecs.ContainerDefinition;
  /** The service. */
  readonly service: ecs.FargateService;
  /** The container's log group. */
  readonly logGroup: logs.LogGroup;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link TradeProducerServiceProps}.
   * @throws ConstructPropsError on a missing image or conflicting props.
   */
  constructor(scope: Construct, id: string, props: TradeProducerServiceProps) {
    super(scope, id);
    const tradesPerSecond = props.tradesPerSecond ?? DEFAULTS.producer.tradesPerSecond;
    if (!(tradesPerSecond > 0)) {
      throw new ConstructPropsError('TradeProducerService', 'tradesPerSecond must be > 0');
    }
    const tickers = props.tickers ?? DEFAULTS.tickers;
    if (tickers.length === 0) {
      throw new ConstructPropsError('TradeProducerService', 'tickers must not be empty');
    }
    ({
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      logGroup: this.logGroup,
      container: this.container,
      service: this.service,
    } = createFargateService(this, 'TradeProducerService', props, {
      cpu: props.cpu ?? DEFAULTS.producer.cpu,
      memoryLimitMiB: props.memoryLimitMiB ?? DEFAULTS.producer.memoryMiB,
      containerId: 'Producer',
      streamPrefix: 'producer',
      environment: {
        STREAM_NAME: props.stream.streamName,
        TRADES_PER_SECOND: String(tradesPerSecond),
        TICKERS: tickers.join(','),
        ...props.environment,
      },
      desiredCount: props.desiredCount ?? DEFAULTS.producer.desiredCount,
    }));
    props.stream.grantWrite(this.taskDefinition.taskRole);

    acknowledgeFargateTask(
      this,
      this.taskDefinition,
      'The environment holds non-secret configuration only: stream name, rate and tickers.',
    );
  }

  /**
   * CPU utilization of the service (average, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricCpuUtilization(props);
  }
}
