import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { DEFAULTS } from '../defaults.js';
import type { FanoutScalingMetric } from '../fanout/ContainerFanoutServiceProps.js';

/** Props of {@link createFanoutScaling}; unset ones take the defaults. */
export interface FanoutScalingProps {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** The target group whose requests per target `scaleOn: 'connections'` tracks. */
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly scaleOn?: FanoutScalingMetric;
  readonly targetConnectionsPerTask?: number;
  readonly targetCpuPercent?: number;
}

/**
 * Task count scaling of the fan-out nodes between `minCapacity` and `maxCapacity`, tracking new
 * connections per task (`Connections`) or CPU (`Cpu`).
 *
 * @example
 * ```ts
 * const scaling = createFanoutScaling(service, { minCapacity: 2, maxCapacity: 20, targetGroup });
 * ```
 */
export function createFanoutScaling(
  service: ecs.FargateService,
  props: FanoutScalingProps,
): ecs.ScalableTaskCount {
  const d = DEFAULTS.containers;
  const scaling = service.autoScaleTaskCount({
    minCapacity: props.minCapacity,
    maxCapacity: props.maxCapacity,
  });
  if ((props.scaleOn ?? d.scaleOn) === 'connections') {
    scaling.scaleOnRequestCount('Connections', {
      requestsPerTarget: props.targetConnectionsPerTask ?? d.targetRequestsPerTask,
      targetGroup: props.targetGroup,
    });
  } else {
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.targetCpuPercent ?? d.targetCpuPercent,
    });
  }
  return scaling;
}
