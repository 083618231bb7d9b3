import { LAMBDA_ENV, lambdaEnvironment } from '@market-stream/core';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import {
  acknowledgeWildcards,
  DATA_GRANT_ALLOWANCES,
  MANAGE_CONNECTIONS_ALLOWANCE,
} from '../internal/acknowledge.js';
import { apiGatewayMetric } from '../internal/apiGatewayMetric.js';
import { createConnectionHandlers } from '../internal/connectionHandlers.js';
import { createConnectionTable } from '../internal/connectionTable.js';
import { acknowledgeWebSocketRoutes } from '../internal/suppressions.js';
import { createThresholdAlarm } from '../internal/thresholdAlarm.js';
import {
  createApiGatewayCloudWatchRole,
  createWebSocketApi,
  createWebSocketStage,
} from '../internal/webSocketApi.js';
import type { ServerlessFanoutProps } from './ServerlessFanoutProps.js';

/** The client actions routed to the message handler (besides `$default`). */
const MESSAGE_ACTIONS = ['subscribe', 'unsubscribe', 'ping'] as const;

/**
 * Checks the props and resolves the connection shard count.
 * @throws ConstructPropsError on conflicting or out-of-range props.
 */
function checkProps(props: ServerlessFanoutProps): number {
  if (props.existingConnectionTable && props.connectionTableProps) {
    throw new ConstructPropsError(
      'ServerlessFanout',
      'give existingConnectionTable or connectionTableProps, not both',
    );
  }
  const connectionShards = props.connectionShards ?? DEFAULTS.fanout.connectionShards;
  if (!Number.isInteger(connectionShards) || connectionShards < 1) {
    throw new ConstructPropsError('ServerlessFanout', 'connectionShards must be an integer ≥ 1');
  }
  if (props.jwt && !props.jwt.audience) {
    throw new ConstructPropsError('ServerlessFanout', 'jwt.audience is required');
  }
  return connectionShards;
}

/** Why `$connect` has no API Gateway authorizer, or undefined when it has one. */
function connectRouteReason(props: ServerlessFanoutProps): string | undefined {
  if (props.authorizer) return undefined;
  return props.jwt
    ? 'The connect handler verifies a JWT (JWT_JWKS_URL) before accepting the connection.'
    : 'Public market-data feed; pass `authorizer` or `jwt` to require credentials on $connect.';
}

/**
 * The serverless fan-out: an API Gateway WebSocket API (route selection
 * `$request.body.action`; `$connect`, `$disconnect`, `subscribe`, `unsubscribe`, `ping` and
 * `$default`), the sharded connection table (`pk = shard#N`, `sk` = connection id, TTL `ttl`) and
 * the `connect` / `disconnect` / `message` handlers of `@market-stream/fanout/lambda`.
 *
 * Pass it to {@link TradeProcessor} as `fanout` and the processor sends every trade to the
 * subscribed connections; give it the processor's `historyTable` and the message handler
 * recovers what a reconnecting client missed (`since`) from it. Bound by the account's `@connections` rate (10,000 requests/s by
 * default): suits up to a few thousand ticking clients; beyond, use {@link ContainerFanoutService}.
 * Guarantees: access logs, stage throttling, encrypted connection table, least-privilege roles
 * (named DynamoDB actions, `execute-api:ManageConnections` on this stage only).
 *
 * @example
 * ```ts
 * import { ServerlessFanout, TradeProcessor } from '@market-stream/cdk-constructs';
 *
 * const fanout = new ServerlessFanout(stack, 'Fanout', { mode: 'all', historyTable: history.table });
 * new TradeProcessor(stack, 'Processor', { stream: trades.stream, historyTable: history.table, fanout });
 * new CfnOutput(stack, 'WebSocketUrl', { value: fanout.webSocketUrl });
 * ```
 */
export class ServerlessFanout extends Construct {
  /** The WebSocket API. */
  readonly webSocketApi: apigwv2.WebSocketApi;
  /** The deployed stage. */
  readonly stage: apigwv2.WebSocketStage;
  /** The sharded connection table. */
  readonly connectionTable: dynamodb.ITable;
  /** `$connect` handler. */
  readonly connectHandler: lambda.Function;
  /** `$disconnect` handler. */
  readonly disconnectHandler: lambda.Function;
  /** `subscribe`, `unsubscribe`, `ping` and `$default` handler. */
  readonly messageHandler: lambda.Function;
  /** The stage's access log group; undefined when `accessLogs: false`. */
  readonly accessLogGroup?: logs.LogGroup;
  /** The account-level API Gateway CloudWatch role; undefined when not created. */
  readonly cloudWatchRole?: iam.Role;
  /** Fires on integration errors; undefined when `alarms: false`. */
  readonly integrationErrorAlarm?: cloudwatch.Alarm;
  /** Connection shards configured for the handlers. */
  readonly connectionShards: number;
  /** Delivery mode configured for the handlers. */
  readonly mode: 'latest' | 'all';

  /**
   * @param scope - The parent construct.
   * @param id - The construct id.
   * @param props - See {@link ServerlessFanoutProps}.
   * @throws ConstructPropsError on conflicting or out-of-range props.
   */
  constructor(scope: Construct, id: string, props: ServerlessFanoutProps = {}) {
    super(scope, id);
    this.connectionShards = checkProps(props);
    this.mode = props.mode ?? DEFAULTS.fanout.mode;
    this.connectionTable =
      props.existingConnectionTable ?? createConnectionTable(this, props.connectionTableProps);
    ({
      connect: this.connectHandler,
      disconnect: this.disconnectHandler,
      message: this.messageHandler,
    } = createConnectionHandlers(this, {
      connectionTable: this.connectionTable,
      connectionShards: this.connectionShards,
      mode: this.mode,
      jwt: props.jwt,
    }));

    this.webSocketApi = createWebSocketApi(this, {
      description: 'market-stream trades over WebSocket',
      connect: this.connectHandler,
      disconnect: this.disconnectHandler,
      message: this.messageHandler,
      actions: MESSAGE_ACTIONS,
      authorizer: props.authorizer,
    });
    ({ stage: this.stage, accessLogGroup: this.accessLogGroup } = createWebSocketStage(this, {
      webSocketApi: this.webSocketApi,
      stageName: props.stageName ?? DEFAULTS.fanout.stageName,
      throttle: props.throttle ?? {
        rateLimit: DEFAULTS.fanout.throttleRateLimit,
        burstLimit: DEFAULTS.fanout.throttleBurstLimit,
      },
      accessLogs: props.accessLogs ?? DEFAULTS.accessLogs,
    }));
    if (
      this.accessLogGroup &&
      (props.createCloudWatchRole ?? DEFAULTS.fanout.createCloudWatchRole)
    ) {
      this.cloudWatchRole = createApiGatewayCloudWatchRole(this, this.stage);
    }

    this.stage.grantManagementApiAccess(this.messageHandler);
    this.messageHandler.addEnvironment(LAMBDA_ENV.endpoint, this.stage.callbackUrl);
    if (props.historyTable) {
      // Recovery by seq reads the history (one Query per symbol of a subscribe's since).
      this.messageHandler.addEnvironment(LAMBDA_ENV.historyTable, props.historyTable.tableName);
      props.historyTable.grant(this.messageHandler, 'dynamodb:Query');
      props.historyTable.encryptionKey?.grantDecrypt(this.messageHandler);
    }

    acknowledgeWebSocketRoutes(this.webSocketApi, MESSAGE_ACTIONS, connectRouteReason(props));
    acknowledgeWildcards(this, [MANAGE_CONNECTIONS_ALLOWANCE, ...DATA_GRANT_ALLOWANCES]);
    if (props.alarms ?? DEFAULTS.alarms) {
      this.integrationErrorAlarm = createThresholdAlarm(
        this,
        'IntegrationErrorAlarm',
        this.metricIntegrationErrors(),
        { description: 'WebSocket route handlers are failing', threshold: 5, evaluationPeriods: 1 },
      );
    }
  }

  /** The `wss://` URL clients connect to. */
  get webSocketUrl(): string {
    return this.stage.url;
  }

  /** The `https://` `@connections` endpoint of the stage (`WEBSOCKET_API_ENDPOINT`). */
  get callbackUrl(): string {
    return this.stage.callbackUrl;
  }

  /**
   * The environment a publisher (the processor or a broadcaster) needs to send to connections:
   * `CONNECTIONS_TABLE`, `CONNECTION_SHARDS`, `FANOUT_MODE`, `WEBSOCKET_API_ENDPOINT`.
   * @returns The variables.
   */
  publisherEnvironment(): Record<string, string> {
    return lambdaEnvironment({
      connectionsTable: this.connectionTable.tableName,
      shards: this.connectionShards,
      mode: this.mode,
      endpoint: this.stage.callbackUrl,
    });
  }

  /**
   * Lets `grantee` post to and close this stage's connections (`execute-api:ManageConnections`).
   * @param grantee - A role or function.
   * @returns The grant.
   */
  grantManageConnections(grantee: iam.IGrantable): iam.Grant {
    return this.stage.grantManagementApiAccess(grantee);
  }

  /**
   * Everything a publisher needs: read the connection table (and delete gone connections) plus
   * {@link ServerlessFanout.grantManageConnections}.
   * @param grantee - A role or function.
   * @returns The manage-connections grant.
   */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    this.connectionTable.grantReadWriteData(grantee);
    return this.grantManageConnections(grantee);
  }

  /**
   * Connections opened (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricConnectCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stageMetric('ConnectCount', props);
  }

  /**
   * Messages sent and received, including `@connections` posts (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricMessageCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stageMetric('MessageCount', props);
  }

  /**
   * Integration (handler) errors (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricIntegrationErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stageMetric('IntegrationError', props);
  }

  /**
   * Client errors, e.g. throttled or unauthorized connects (sum, 5 minutes).
   * @param props - Overrides for period, statistic, label.
   * @returns The metric.
   */
  metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stageMetric('ClientError', props);
  }

  private stageMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return apiGatewayMetric(
      this,
      metricName,
      { apiId: this.webSocketApi.apiId, stage: this.stage.stageName },
      props,
    );
  }
}
