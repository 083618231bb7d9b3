import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct, IConstruct } from 'constructs';
import { acknowledge, acknowledgeWildcards, DATA_GRANT_ALLOWANCES } from './acknowledge.js';

/**
 * The cdk-nag acknowledgements every Fargate construct here needs: `AwsSolutions-ECS2` on the
 * task (its environment holds configuration only, as `environmentReason` says) and the
 * wildcards of `ecr:GetAuthorizationToken` and the data grants below `scope`.
 *
 * @example
 * ```ts
 * acknowledgeFargateTask(this, taskDefinition, 'The environment holds the stream name only.');
 * ```
 */
export function acknowledgeFargateTask(
  scope: Construct,
  taskDefinition: ecs.TaskDefinition,
  environmentReason: string,
): void {
  acknowledge(taskDefinition, 'AwsSolutions-ECS2', environmentReason);
  acknowledgeWildcards(scope, [
    {
      actions: (action) => action === 'ecr:GetAuthorizationToken',
      reason:
        'ecr:GetAuthorizationToken supports no resource-level permissions (resource must be *).',
    },
    ...DATA_GRANT_ALLOWANCES,
  ]);
}

/**
 * Acknowledges `AwsSolutions-APIG4` (no authorizer) on the WebSocket API's routes: on
 * `$connect` for `connectReason`, on every other route because API Gateway WebSocket APIs
 * authorize on `$connect` only.
 *
 * @example
 * ```ts
 * acknowledgeWebSocketRoutes(api, ['subscribe'], 'Public market-data feed.');
 * ```
 */
export function acknowledgeWebSocketRoutes(
  api: apigwv2.WebSocketApi,
  actions: readonly string[],
  connectReason: string | undefined,
): void {
  if (connectReason !== undefined) {
    acknowledge(api.node.findChild('$connect-Route'), 'AwsSolutions-APIG4', connectReason);
  }
  for (const routeId of [
    '$disconnect-Route',
    '$default-Route',
    ...actions.map((a) => `${a}-Route`),
  ]) {
    acknowledge(
      api.node.findChild(routeId),
      'AwsSolutions-APIG4',
      'API Gateway WebSocket APIs authorize on $connect only; later messages ride the authorized connection.',
    );
  }
}

/**
 * Acknowledges `AwsSolutions-SQS3` (no dead-letter queue) on a queue that is itself an
 * on-failure destination, naming whose.
 *
 * @example
 * ```ts
 * acknowledgeOnFailureQueue(queue, 'the Kinesis event source mapping');
 * ```
 */
export function acknowledgeOnFailureQueue(queue: IConstruct, of: string): void {
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    `This queue is itself the on-failure destination of ${of}.`,
  );
}
