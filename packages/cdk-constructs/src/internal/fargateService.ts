import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FargateServiceCommonProps } from '../fargate/FargateServiceCommonProps.js';
import { resolveCluster } from './cluster.js';
import { resolveImage } from './containerImage.js';
import { logRetention } from './logRetention.js';

/** Props of {@link createFargateTask}. */
export interface FargateTaskProps {
  /** Task CPU units. */
  readonly cpu: number;
  /** Task memory in MiB. */
  readonly memoryLimitMiB: number;
  /** Id of the one container. */
  readonly containerId: string;
  /** The container image. */
  readonly image: ecs.ContainerImage;
  /** Log stream prefix of the container's log group. */
  readonly streamPrefix: string;
  /** The container's environment. */
  readonly environment: Record<string, string>;
  /** Ports the container listens on. */
  readonly portMappings?: ecs.PortMapping[];
}

/** What {@link createFargateTask} builds. */
export interface FargateTask {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly logGroup: logs.LogGroup;
  readonly container: ecs.ContainerDefinition;
}

/**
 * The owner's props that say which image runs where, as given (unresolved); its `environment` is
 * not read here: the owner places it among its own variables.
 */
export interface FargateServiceSource extends FargateServiceCommonProps {
  readonly image?: ecs.ContainerImage;
  readonly dockerfileDirectory?: string;
}

/** Props of {@link createFargateService}: the one container's task, and how many run. */
export interface FargateServiceProps extends Omit<FargateTaskProps, 'image'> {
  /** Tasks to run. */
  readonly desiredCount: number;
  /**
   * Most tasks during a deployment, in percent of the desired count, with the fewest that must
   * stay running.
   * @default - ECS's own (200 and 50 percent of the desired count)
   */
  readonly deployment?: { readonly minHealthyPercent: number; readonly maxHealthyPercent: number };
}

/** What {@link createFargateService} builds. */
export interface FargateServiceParts extends FargateTask {
  readonly cluster: ecs.ICluster;
  readonly service: ecs.FargateService;
}

/**
 * A Fargate service with its cluster, task and container, as every Fargate construct here runs
 * one: the image resolved, the cluster given or new, the task from {@link createFargateTask}, and
 * the service (`Service`) in the cluster's private subnets, no public IP, with the deployment
 * circuit breaker rolling back failed deployments.
 *
 * @example
 * ```ts
 * const { service, taskDefinition } = createFargateService(this, 'TradeProducerService', props, {
 *   cpu: 256, memoryLimitMiB: 512, containerId: 'Producer', streamPrefix: 'producer',
 *   environment: {}, desiredCount: 1,
 * });
 * ```
 */
export function createFargateService(
  scope: Construct,
  owner: string,
  source: FargateServiceSource,
  props: FargateServiceProps,
): FargateServiceParts {
  const image = resolveImage(owner, source.image, source.dockerfileDirectory);
  const cluster = resolveCluster(scope, owner, source.cluster, source.vpc);
  const task = createFargateTask(scope, { ...props, image });
  const service = new ecs.FargateService(scope, 'Service', {
    cluster,
    taskDefinition: task.taskDefinition,
    desiredCount: props.desiredCount,
    assignPublicIp: false,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    circuitBreaker: { rollback: true },
    ...props.deployment,
  });
  return { cluster, ...task, service };
}

/**
 * An ARM64 Linux Fargate task definition (`Task`) with one container logging to its own log
 * group (`Logs`, default retention) — the task shape every Fargate construct here runs.
 *
 * @example
 * ```ts
 * const { taskDefinition } = createFargateTask(this, { cpu: 256, memoryLimitMiB: 512, containerId: 'App', image, streamPrefix: 'app', environment: {} });
 * ```
 */
export function createFargateTask(scope: Construct, props: FargateTaskProps): FargateTask {
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'Task', {
    cpu: props.cpu,
    memoryLimitMiB: props.memoryLimitMiB,
    runtimePlatform: {
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logRetention() });
  const container = taskDefinition.addContainer(props.containerId, {
    image: props.image,
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: props.streamPrefix, logGroup }),
    environment: props.environment,
    ...(props.portMappings ? { portMappings: props.portMappings } : {}),
  });
  return { taskDefinition, logGroup, container };
}
