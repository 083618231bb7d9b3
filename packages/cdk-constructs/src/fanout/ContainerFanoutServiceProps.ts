import type { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { FargateServiceCommonProps } from '../fargate/FargateServiceCommonProps.js';
import type { StreamReadMode } from '../stream/StreamReadMode.js';

/**
 * How {@link ContainerFanoutService} scales: `connections` tracks new WebSocket connections per
 * task (ALB RequestCountPerTarget; every WebSocket upgrade is one request), `cpu` tracks CPU.
 *
 * @example
 * ```ts
 * import type { FanoutScalingMetric } from '@market-stream/cdk-constructs';
 *
 * const scaleOn: FanoutScalingMetric = 'cpu';
 * ```
 */
export type FanoutScalingMetric = 'connections' | 'cpu';

/**
 * Props of {@link ContainerFanoutService}. Give `image` or `dockerfileDirectory`; `cluster` or
 * `vpc` (or neither).
 *
 * @example
 * ```ts
 * import type { ContainerFanoutServiceProps } from '@market-stream/cdk-constructs';
 *
 * const props: ContainerFanoutServiceProps = { stream: trades.stream, dockerfileDirectory: 'fanout-node', scaleOn: 'cpu' };
 * ```
 */
export interface ContainerFanoutServiceProps extends FargateServiceCommonProps {
  /** The stream every node reads (`STREAM_NAME`). */
  readonly stream: kinesis.IStream;
  /**
   * The fan-out node image: serves WebSocket clients on `PORT` at `/ws`, `/healthz` for checks.
   * @default - built from `dockerfileDirectory`
   */
  readonly image?: ecs.ContainerImage;
  /**
   * A directory with the fan-out node's Dockerfile; built for ARM64 at deploy time.
   * @default - `image` is used
   */
  readonly dockerfileDirectory?: string;
  /**
   * History table for snapshots on subscribe (`HISTORY_TABLE`, Query only).
   * @default - no history
   */
  readonly historyTable?: dynamodb.ITable;
  /**
   * Delivery mode (`FANOUT_MODE`).
   * @default 'latest'
   */
  readonly mode?: 'latest' | 'all';
  /**
   * Task CPU units. The node gets `FANOUT_WORKERS` = the task's vCPUs (`cpu` / 1024, at least 1:
   * 1 for 256 to 1024, 4 for 4096), the processes it holds its clients in, so it uses every
   * core; set `FANOUT_WORKERS` in `environment` (e.g. `'1'`) to override it.
   * @default 512
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * How the nodes read the stream. `'push'`: each task registers an enhanced fan-out consumer of
   * its own (`STREAM_CONSUMER_PREFIX`, named `<prefix>-<task id>`) and deregisters it on SIGTERM;
   * every node gets 2 MB/s per shard at ~70 ms, billed per consumer-shard-hour and per GB, and
   * the stream allows 20 consumers (see `maxCapacity`). `'poll'`: every node polls every shard
   * with GetRecords, sharing its 5 reads/s — past ~5 nodes per shard reads throttle.
   * @default 'push' (`DEFAULTS.containers.readMode`)
   */
  readonly readMode?: StreamReadMode;
  /**
   * Enhanced fan-out consumers of the stream registered by other readers (e.g. 1 for a
   * {@link TradeProcessor} reading by push); they count against the stream's 20 with the nodes'.
   * @default 0
   */
  readonly otherStreamConsumers?: number;
  /**
   * Fewest tasks; at least 2 with `readMode: 'push'`.
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Most tasks. With `readMode: 'push'` each task holds a consumer, so at most
   * 20 − `otherStreamConsumers`; more is a `ConstructPropsError`.
   * @default 20 (`DEFAULTS.containers.maxCapacity`), or 20 − `otherStreamConsumers` when reading
   * by push and that is less
   */
  readonly maxCapacity?: number;
  /**
   * Scaling signal.
   * @default 'connections' (`DEFAULTS.containers.scaleOn`)
   */
  readonly scaleOn?: FanoutScalingMetric;
  /**
   * With `scaleOn: 'connections'`: new connections per task per minute to hold.
   * @default 1000
   */
  readonly targetConnectionsPerTask?: number;
  /**
   * With `scaleOn: 'cpu'`: average CPU percent to hold.
   * @default 60
   */
  readonly targetCpuPercent?: number;
  /**
   * Load balancer idle timeout; clients must ping more often than this.
   * @default Duration.seconds(300)
   */
  readonly idleTimeout?: Duration;
  /**
   * Serve HTTPS / WSS on 443 with this certificate (HTTP 80 then redirects).
   * @default - HTTP on 80; put CloudFront in front for TLS (see {@link TickerWebsite})
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Who may reach the load balancer. The default lets only CloudFront in (put a distribution in
   * front, as {@link TickerWebsite} does), so clients cannot go around it; pass
   * `ec2.Peer.anyIpv4()` to let clients connect to the load balancer directly.
   * @default - CloudFront's origin-facing managed prefix list
   * (`com.amazonaws.global.cloudfront.origin-facing`, its id looked up at deploy time)
   */
  readonly allowedIngress?: ec2.IPeer;
  /**
   * Bucket for the load balancer's access logs (SSE-S3, not KMS).
   * @default - a new private log bucket
   */
  readonly accessLogBucket?: s3.IBucket;
}
