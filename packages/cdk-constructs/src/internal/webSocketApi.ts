import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeManagedPolicy } from './acknowledge.js';
import { logRetention } from './logRetention.js';

/** Props of {@link createWebSocketApi}. */
export interface WebSocketApiProps {
  /** Description of the API. */
  readonly description: string;
  /** `$connect` handler. */
  readonly connect: lambda.IFunction;
  /** `$disconnect` handler. */
  readonly disconnect: lambda.IFunction;
  /** Handler of `$default` and of every route in `actions`. */
  readonly message: lambda.IFunction;
  /** Route keys (values of the `action` field) that go to `message`. */
  readonly actions: readonly string[];
  /** Authorizer on `$connect`. */
  readonly authorizer?: apigwv2.IWebSocketRouteAuthorizer;
}

/**
 * A WebSocket API (`Api`) routing on `$request.body.action`: `$connect` and `$disconnect` to
 * their handlers, `$default` and each action to the message handler.
 *
 * @example
 * ```ts
 * const api = createWebSocketApi(this, { description: 'feed', connect, disconnect, message, actions: ['ping'] });
 * ```
 */
export function createWebSocketApi(
  scope: Construct,
  props: WebSocketApiProps,
): apigwv2.WebSocketApi {
  const messageIntegration = new WebSocketLambdaIntegration('Message', props.message);
  const api = new apigwv2.WebSocketApi(scope, 'Api', {
    description: props.description,
    routeSelectionExpression: '$request.body.action',
    connectRouteOptions: {
      integration: new WebSocketLambdaIntegration('Connect', props.connect),
      ...(props.authorizer ? { authorizer: props.authorizer } : {}),
    },
    disconnectRouteOptions: {
      integration: new WebSocketLambdaIntegration('Disconnect', props.disconnect),
    },
    defaultRouteOptions: { integration: messageIntegration },
  });
  for (const action of props.actions) {
    api.addRoute(action, { integration: messageIntegration });
  }
  return api;
}

/** Props of {@link createWebSocketStage}. */
export interface WebSocketStageProps {
  readonly webSocketApi: apigwv2.WebSocketApi;
  readonly stageName: string;
  readonly throttle: apigwv2.ThrottleSettings;
  /** Write JSON access logs to a new log group (`AccessLogs`). */
  readonly accessLogs: boolean;
}

/** What {@link createWebSocketStage} builds. */
export interface WebSocketStageParts {
  readonly stage: apigwv2.WebSocketStage;
  /** Undefined without `accessLogs`. */
  readonly accessLogGroup?: logs.LogGroup;
}

/**
 * An auto-deployed, throttled WebSocket stage (`Stage`), with JSON access logs (request,
 * connection, route, status, source IP, latency, error) to a log group when asked.
 *
 * @example
 * ```ts
 * const { stage } = createWebSocketStage(this, { webSocketApi, stageName: 'live', throttle, accessLogs: true });
 * ```
 */
export function createWebSocketStage(
  scope: Construct,
  props: WebSocketStageProps,
): WebSocketStageParts {
  const accessLogGroup = props.accessLogs
    ? new logs.LogGroup(scope, 'AccessLogs', { retention: logRetention() })
    : undefined;
  const stage = new apigwv2.WebSocketStage(scope, 'Stage', {
    webSocketApi: props.webSocketApi,
    stageName: props.stageName,
    autoDeploy: true,
    throttle: props.throttle,
    ...(accessLogGroup
      ? {
          accessLogSettings: {
            destination: new apigwv2.LogGroupLogDestination(accessLogGroup),
            format: apigateway.AccessLogFormat.custom(
              JSON.stringify({
                requestId: '$context.requestId',
                connectionId: '$context.connectionId',
                routeKey: '$context.routeKey',
                eventType: '$context.eventType',
                status: '$context.status',
                ip: '$context.identity.sourceIp',
                requestTime: '$context.requestTimeEpoch',
                integrationLatency: '$context.integrationLatency',
                error: '$context.error.message',
              }),
            ),
          },
        }
      : {}),
  });
  return { stage, accessLogGroup };
}

/**
 * The account's API Gateway CloudWatch role (`ApiGatewayCloudWatchRole`, an account-wide,
 * per-region setting that WebSocket access logging needs), set through `ApiGatewayAccount`
 * before `stage` deploys.
 *
 * @example
 * ```ts
 * const role = createApiGatewayCloudWatchRole(this, stage);
 * ```
 */
export function createApiGatewayCloudWatchRole(
  scope: Construct,
  stage: apigwv2.WebSocketStage,
): iam.Role {
  const role = new iam.Role(scope, 'ApiGatewayCloudWatchRole', {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName(
        'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      ),
    ],
  });
  acknowledgeManagedPolicy(
    role,
    'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    'AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for the account-level API Gateway logging role.',
  );
  const account = new apigateway.CfnAccount(scope, 'ApiGatewayAccount', {
    cloudWatchRoleArn: role.roleArn,
  });
  stage.node.addDependency(account);
  return role;
}
