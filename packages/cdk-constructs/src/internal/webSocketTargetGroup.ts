import { Duration } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { DEFAULTS } from '../defaults.js';

/**
 * Forwards the WebSocket path of `listener` to `service`'s tasks (`Nodes`), health-checked on
 * the health check path of the tasks themselves; anything else keeps the listener's default.
 *
 * @example
 * ```ts
 * const targetGroup = addWebSocketTargets(listener, service);
 * ```
 */
export function addWebSocketTargets(
  listener: elbv2.ApplicationListener,
  service: ecs.FargateService,
): elbv2.ApplicationTargetGroup {
  const d = DEFAULTS.containers;
  return listener.addTargets('Nodes', {
    priority: 1,
    conditions: [elbv2.ListenerCondition.pathPatterns([d.webSocketPath])],
    port: d.port,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targets: [service],
    healthCheck: { path: d.healthCheckPath, healthyHttpCodes: '200' },
    // Long-lived WebSockets end at deregistration anyway; clients reconnect to another node.
    deregistrationDelay: Duration.seconds(d.deregistrationDelaySeconds),
  });
}
