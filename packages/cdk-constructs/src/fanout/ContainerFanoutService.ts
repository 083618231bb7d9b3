import { lambdaEnvironment } from '@market-stream/core';
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { acknowledgeWildcards } from '../internal/acknowledge.js';
import { createFanoutScaling } from '../internal/fanoutScaling.js';
import { createFargateService } from '../internal/fargateService.js';
import { resolveNodeCapacity } from '../internal/nodeCapacity.js';
import { acknowledgeFargateTask } from '../internal/suppressions.js';
import {
  grantTaskConsumers,
  STREAM_CONSUMER_PREFIX_ENV,
  taskConsumerAllowance,
  taskConsumerPrefix,
} from '../internal/taskConsumers.js';
import { createWebSocketLoadBalancer } from '../internal/webSocketLoadBalancer.js';
import { addWebSocketTargets } from '../internal/webSocketTargetGroup.js';
import type { ContainerFanoutServiceProps } from './ContainerFanoutServiceProps.js';

/** The container variable naming the processes a fan-out node holds its clients in. */
const FANOUT_WORKERS_ENV = 'FANOUT_WORKERS';
/** Fargate CPU units per vCPU. */
const VCPU_UNITS = 1024;

/**
 * Fan-out nodes on Fargate (ARM64) behind an Application Load Balancer: each node reads the
 * trade stream itself and serves its own WebSocket clients, so capacity grows with tasks — the
 * topology for tens of thousands of clients and more.
 *
 * The container receives `STREAM_NAME`, `PORT`, `FANOUT_MODE`, `FANOUT_WORKERS` (and
 * `HISTORY_TABLE`, and `STREAM_CONSUMER_PREFIX` when reading by push); it must serve WebSockets
 * on `/ws` and `GET /healthz` (a node whose source failed should answer 503 there, or exit).
 * `FANOUT_WORKERS` is the task's vCPUs (`cpu` / 1024, at least 1; `environment` may set it
 * instead), so the node holds its clients in that many processes and uses every core
 * (`serveFanout({ workers })`): given explicitly because `os.availableParallelism()` inside a
 * container may count the host's cores rather than the task's. With more than one, the example
 * node serves `/metrics` on `METRICS_PORT` (`PORT` + 1), which is neither mapped nor opened to
 * the load balancer: it stays inside the task. The ALB keeps
 * idle WebSockets for `idleTimeout`; no stickiness is needed because every node carries every
 * symbol. Scaling tracks new connections per task or CPU.
 *
 * Reading (`readMode`, default `'push'`): each task registers an enhanced fan-out consumer of its
 * own, `<consumerNamePrefix>-<ECS task id>`, reads by push through it and deregisters it when it
 * stops (SIGTERM, or its source failed). Chosen over a fixed pool of consumers because a task
 * must own its consumer — a second subscriber to the same consumer and shard takes the
 * subscription over — and ECS gives tasks no stable index to claim a pool slot by, so a pool
 * would need a lease table; per-task consumers need none, and a node is billed only while it
 * runs. The costs: the stream allows 20 consumers, so `maxCapacity` is at most
 * 20 − `otherStreamConsumers` (more is a `ConstructPropsError`); deployments replace tasks half
 * at a time (minimum healthy 50 %, maximum 100 %) so the tasks never hold more consumers than
 * `maxCapacity`, which needs `minCapacity` ≥ 2; a task killed without SIGTERM (out of memory)
 * leaves its consumer registered — find it by `consumerNamePrefix` with ListStreamConsumers.
 * `readMode: 'poll'` has every node poll every shard instead, sharing its 5 reads/s: past ~5
 * nodes per shard reads throttle (watch `TradeStream.readThrottleAlarm`).
 *
 * Guarantees: by default only CloudFront's origin-facing servers reach the load balancer; it
 * forwards only the WebSocket path `/ws` to the nodes and answers 404 for anything else, so
 * `/metrics` and `/healthz` stay internal (health checks go to the tasks directly); access logs
 * on, also in environment-agnostic stacks; tasks in private subnets reachable only from the load
 * balancer; read-only stream access — reading by push, only the consumer actions on this stream
 * and on consumers named `<consumerNamePrefix>-*` (no GetRecords); container logs with bounded
 * retention.
 *
 * @example
 * ```ts
 * import { ContainerFanoutService } from '@market-stream/cdk-constructs';
 *
 * const nodes = new ContainerFanoutService(stack, 'FanoutNodes', {
 *   stream: trades.stream,
 *   dockerfileDirectory: 'examples/full-stack/containers/fanout-node',
 *   otherStreamConsumers: processor.consumer ? 1 : 0,
 *   maxCapacity: 12,
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
   * The name prefix of the tasks' stream consumers (`<prefix>-<ECS task id>`); undefined with
   * `readMode: 'poll'`.
   */
  readonly consumerNamePrefix?: string;

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link ContainerFanoutServiceProps}.
   * @throws ConstructPropsError on a missing image or conflicting props, or reading by push, a
   * `maxCapacity` above the stream's free consumers or a `minCapacity` below 2.
   */
  constructor(scope: Construct, id: string, props: ContainerFanoutServiceProps) {
    super(scope, id);
    const d = DEFAULTS.containers;
    const { minCapacity, maxCapacity, push } = resolveNodeCapacity(props);
    const cpu = props.cpu ?? d.cpu;
    this.consumerNamePrefix = push ? taskConsumerPrefix(this) : undefined;

    // The fan-out node reads the serverless handlers' names for the settings they share.
    ({
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      logGroup: this.logGroup,
      container: this.container,
      service: this.service,
    } = createFargateService(this, 'ContainerFanoutService', props, {
      cpu,
      memoryLimitMiB: props.memoryLimitMiB ?? d.memoryMiB,
      containerId: 'FanoutNode',
      streamPrefix: 'fanout',
      environment: {
        STREAM_NAME: props.stream.streamName,
        PORT: String(d.port),
        ...lambdaEnvironment({ mode: props.mode ?? DEFAULTS.fanout.mode }),
        [FANOUT_WORKERS_ENV]: String(Math.max(1, Math.floor(cpu / VCPU_UNITS))),
        ...props.environment,
        ...lambdaEnvironment({ historyTable: props.historyTable?.tableName }),
        ...(this.consumerNamePrefix
          ? { [STREAM_CONSUMER_PREFIX_ENV]: this.consumerNamePrefix }
          : {}),
      },
      portMappings: [{ containerPort: d.port }],
      desiredCount: minCapacity,
      ...(push ? { deployment: d.pushDeployment } : {}),
    }));
    if (this.consumerNamePrefix) {
      grantTaskConsumers(this.taskDefinition.taskRole, props.stream, this.consumerNamePrefix);
      acknowledgeWildcards(this, [taskConsumerAllowance(this.consumerNamePrefix)]);
    } else {
      props.stream.grantRead(this.taskDefinition.taskRole);
    }
    props.historyTable?.grant(this.taskDefinition.taskRole, 'dynamodb:Query');

    ({
      loadBalancer: this.loadBalancer,
      accessLogBucket: this.accessLogBucket,
      listener: this.listener,
    } = createWebSocketLoadBalancer(this, { ...props, vpc: this.cluster.vpc }));
    this.targetGroup = addWebSocketTargets(this.listener, this.service);
    this.scaling = createFanoutScaling(this.service, {
      ...props,
      minCapacity,
      maxCapacity,
      targetGroup: this.targetGroup,
    });

    acknowledgeFargateTask(
      this,
      this.taskDefinition,
      'The environment holds non-secret configuration only: stream and table names, port, mode, worker count, consumer name prefix.',
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
