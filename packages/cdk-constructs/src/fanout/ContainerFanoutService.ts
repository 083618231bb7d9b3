import { lambdaEnvironment } from '@market-stream/core';
import { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import { logAlbAccessLogs } from '../internal/albAccessLogs.js';
import { cloudFrontOriginFacingPeer } from '../internal/cloudFrontOriginFacing.js';
import { resolveCluster } from '../internal/cluster.js';
import { resolveImage } from '../internal/containerImage.js';
import { createFargateService, createFargateTask } from '../internal/fargateService.js';
import { createLogBucket } from '../internal/logBucket.js';
import { acknowledgeFargateTask } from '../internal/suppressions.js';

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
export interface ContainerFanoutServiceProps {
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
   * Extra container environment (non-secret).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Run in this cluster.
   * @default - a new cluster (in `vpc`, or a new VPC)
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The VPC of the new cluster.
   * @default - a new two-AZ VPC with one NAT gateway and flow logs
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Task CPU units.
   * @default 512
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * Fewest tasks.
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Most tasks.
   * @default 20
   */
  readonly maxCapacity?: number;
  /**
   * Scaling signal.
   * @default 'connections'
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

/**
 * Fan-out nodes on Fargate (ARM64) behind an Application Load Balancer: each node reads the
 * trade stream itself and serves its own WebSocket clients, so capacity grows with tasks — the
 * topology for tens of thousands of clients and more.
 *
 * The container receives `STREAM_NAME`, `PORT`, `FANOUT_MODE` (and `HISTORY_TABLE`); it must
 * serve WebSockets on `/ws` and `GET /healthz` (a node whose source failed should answer 503
 * there, or exit). The ALB keeps idle WebSockets for `idleTimeout`; no stickiness is needed
 * because every node carries every symbol. Scaling tracks new connections per task or CPU.
 * Guarantees: by default only CloudFront's origin-facing servers reach the load balancer; it
 * forwards only the WebSocket path `/ws` to the nodes and answers 404 for anything else, so
 * `/metrics` and `/healthz` stay internal (health checks go to the tasks directly); access logs
 * on, also in environment-agnostic stacks; tasks in private subnets reachable only from the load
 * balancer; stream read-only access; container logs with bounded retention.
 * Limit: every node polls every shard, and Kinesis allows 5 reads/s per shard, so past ~5 nodes
 * per shard reads throttle — watch `TradeStream.readThrottleAlarm`.
 *
 * @example
 * ```ts
 * import { ContainerFanoutService } from '@market-stream/cdk-constructs';
 *
 * const nodes = new ContainerFanoutService(stack, 'FanoutNodes', {
 *   stream: trades.stream,
 *   dockerfileDirectory: 'examples/full-stack/fanout-node',
 *   maxCapacity: 50,
 * });
 * new CfnOutput(stack, 'LoadBalancer', { value: nodes.loadBalancer.loadBalancerDnsName });
 * ```
 */
export class ContainerFanoutService extends Construct {
  /** The cluster the nodes run in. */
  readonly cluster: ecs.ICluster;
  /** The task definition (ARM64, Linux). */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The fan-out node container. */
  readonly container: ecs.ContainerDefinition;
  /** The service. */
  readonly service: ecs.FargateService;
  /** The internet-facing load balancer. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /**
   * The listener clients connect to (443 with a certificate, else 80): `/ws` goes to the nodes,
   * anything else is answered 404.
   */
  readonly listener: elbv2.ApplicationListener;
  /** The nodes' target group. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The task count scaling. */
  readonly scaling: ecs.ScalableTaskCount;
  /** The container's log group. */
  readonly logGroup: logs.LogGroup;
  /** The load balancer's access-log bucket. */
  readonly accessLogBucket: s3.IBucket;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link ContainerFanoutServiceProps}.
   * @throws ConstructPropsError on a missing image or conflicting props.
   */
  constructor(scope: Construct, id: string, props: ContainerFanoutServiceProps) {
    super(scope, id);
    const d = DEFAULTS.containers;
    const minCapacity = props.minCapacity ?? d.minCapacity;
    const maxCapacity = props.maxCapacity ?? d.maxCapacity;
    if (!(minCapacity >= 1 && maxCapacity >= minCapacity)) {
      throw new ConstructPropsError('ContainerFanoutService', 'need 1 ≤ minCapacity ≤ maxCapacity');
    }
    const image = resolveImage('ContainerFanoutService', props.image, props.dockerfileDirectory);
    this.cluster = resolveCluster(this, 'ContainerFanoutService', props.cluster, props.vpc);

    // The fan-out node reads the serverless handlers' names for the settings they share.
    ({
      taskDefinition: this.taskDefinition,
      logGroup: this.logGroup,
      container: this.container,
    } = createFargateTask(this, {
      cpu: props.cpu ?? d.cpu,
      memoryLimitMiB: props.memoryLimitMiB ?? d.memoryMiB,
      containerId: 'FanoutNode',
      image,
      streamPrefix: 'fanout',
      environment: {
        STREAM_NAME: props.stream.streamName,
        PORT: String(d.port),
        ...lambdaEnvironment({ mode: props.mode ?? DEFAULTS.fanout.mode }),
        ...props.environment,
        ...lambdaEnvironment({ historyTable: props.historyTable?.tableName }),
      },
      portMappings: [{ containerPort: d.port }],
    }));
    props.stream.grantRead(this.taskDefinition.taskRole);
    props.historyTable?.grant(this.taskDefinition.taskRole, 'dynamodb:Query');
    this.service = createFargateService(this, this.cluster, this.taskDefinition, minCapacity);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.cluster.vpc,
      internetFacing: true,
      idleTimeout: props.idleTimeout ?? Duration.seconds(d.idleTimeoutSeconds),
      dropInvalidHeaderFields: true,
    });
    this.accessLogBucket = props.accessLogBucket ?? createLogBucket(this, 'AccessLogs');
    logAlbAccessLogs(this.loadBalancer, this.accessLogBucket, 'alb');

    const peer = props.allowedIngress ?? cloudFrontOriginFacingPeer(this);
    const port = props.certificate ? 443 : 80;
    this.listener = this.loadBalancer.addListener('Listener', {
      port,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(d.notFoundStatusCode, {
        contentType: 'text/plain',
        messageBody: 'Not Found',
      }),
      ...(props.certificate
        ? { certificates: [props.certificate], sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS }
        : { protocol: elbv2.ApplicationProtocol.HTTP }),
    });
    this.loadBalancer.connections.allowFrom(peer, ec2.Port.tcp(port), 'WebSocket clients');
    // CloudFront's prefix list weighs ~55 of a security group's 60 inbound rules: one port only.
    if (props.certificate && props.allowedIngress) {
      this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
      this.loadBalancer.connections.allowFrom(peer, ec2.Port.tcp(80), 'Redirect to HTTPS');
    }
    this.targetGroup = this.listener.addTargets('Nodes', {
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns([d.webSocketPath])],
      port: d.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      healthCheck: { path: d.healthCheckPath, healthyHttpCodes: '200' },
      // Long-lived WebSockets end at deregistration anyway; clients reconnect to another node.
      deregistrationDelay: Duration.seconds(30),
    });

    this.scaling = this.service.autoScaleTaskCount({ minCapacity, maxCapacity });
    if ((props.scaleOn ?? 'connections') === 'connections') {
      this.scaling.scaleOnRequestCount('Connections', {
        requestsPerTarget: props.targetConnectionsPerTask ?? d.targetRequestsPerTask,
        targetGroup: this.targetGroup,
      });
    } else {
      this.scaling.scaleOnCpuUtilization('Cpu', {
        targetUtilizationPercent: props.targetCpuPercent ?? d.targetCpuPercent,
      });
    }

    acknowledgeFargateTask(
      this,
      this.taskDefinition,
      'The environment holds non-secret configuration only: stream and table names, port, mode.',
    );
  }

  /**
   * The URL clients connect to directly, `ws://<alb>/ws` (or `wss://` with a certificate; the
   * certificate's domain must then point at the load balancer). Reachable only when
   * `allowedIngress` lets clients in; by default only CloudFront is.
   */
  get webSocketUrl(): string {
    const scheme = this.listener.port === 443 ? 'wss' : 'ws';
    return `${scheme}://${this.loadBalancer.loadBalancerDnsName}${DEFAULTS.containers.webSocketPath}`;
  }

  /**
   * WebSocket connections open on the load balancer (sum, 1 minute).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricActiveConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.activeConnectionCount({
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * New connections per task (sum, 1 minute) — what `scaleOn: 'connections'` tracks.
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricConnectionsPerTask(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.requestCountPerTarget({
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * CPU utilization of the nodes (average, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricCpuUtilization(props);
  }
}
