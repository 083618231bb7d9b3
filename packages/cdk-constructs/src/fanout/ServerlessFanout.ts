import { CONNECTIONS_TABLE_KEYS, LAMBDA_ENV, lambdaEnvironment } from '@market-stream/core';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import {
  acknowledge,
  acknowledgeWildcards,
  DATA_GRANT_ALLOWANCES,
  MANAGE_CONNECTIONS_ALLOWANCE,
} from '../internal/acknowledge.js';
import { BundledFunction } from '../internal/BundledFunction.js';
import { acknowledgeWebSocketRoutes } from '../internal/suppressions.js';
import { cdkTableKeys } from '../internal/tableKeys.js';
import {
  createApiGatewayCloudWatchRole,
  createWebSocketApi,
  createWebSocketStage,
} from '../internal/webSocketApi.js';

/**
 * Token checking on `$connect` by the connect handler itself (a JWT in `?token=`). A token is
 * accepted only with a valid signature from the JWKS, an `exp` claim that has not passed, the
 * configured `aud` and (when given) `iss`.
 *
 * @example
 * ```ts
 * import type { FanoutJwtAuth } from '@market-stream/cdk-constructs';
 *
 * const jwt: FanoutJwtAuth = { jwksUrl: 'https://auth.example.com/.well-known/jwks.json', audience: 'ticker' };
 * ```
 */
export interface FanoutJwtAuth {
  /** JWKS URL the token's signature is checked against (`JWT_JWKS_URL`). */
  readonly jwksUrl: string;
  /**
   * Required `iss` claim (`JWT_ISSUER`).
   * @default - not checked
   */
  readonly issuer?: string;
  /**
   * Required `aud` claim (`JWT_AUDIENCE`). Required: a JWKS is usually an identity provider's,
   * signing tokens for other applications too, and the audience is what says a token was issued
   * for this feed.
   */
  readonly audience: string;
}

/**
 * Props of {@link ServerlessFanout}. Give `existingConnectionTable` or `connectionTableProps`,
 * not both.
 *
 * @example
 * ```ts
 * import type { ServerlessFanoutProps } from '@market-stream/cdk-constructs';
 *
 * const props: ServerlessFanoutProps = { connectionShards: 32, mode: 'all', stageName: 'prod' };
 * ```
 */
export interface ServerlessFanoutProps {
  /**
   * Use this connection table (`pk`/`sk` strings, TTL `ttl`) instead of creating one.
   * @default - a new table
   */
  readonly existingConnectionTable?: dynamodb.ITable;
  /**
   * Settings of the new connection table, merged over the defaults; the key schema is fixed.
   * @default - on-demand, AWS managed KMS encryption, TTL on `ttl`, destroyed with the stack
   * (connections are ephemeral)
   */
  readonly connectionTableProps?: Omit<dynamodb.TableProps, 'partitionKey' | 'sortKey'>;
  /**
   * Connection shards (`CONNECTION_SHARDS`): the processor queries and sends per shard in parallel.
   * @default 16
   */
  readonly connectionShards?: number;
  /**
   * Delivery mode (`FANOUT_MODE`): `latest` conflates per symbol per flush, `all` sends every trade.
   * @default 'latest'
   */
  readonly mode?: 'latest' | 'all';
  /**
   * An API Gateway authorizer on `$connect` (e.g. `WebSocketLambdaAuthorizer`).
   * @default - none
   */
  readonly authorizer?: apigwv2.IWebSocketRouteAuthorizer;
  /**
   * JWT checking in the connect handler.
   * @default - none: the feed is public market data
   */
  readonly jwt?: FanoutJwtAuth;
  /**
   * Stage name; part of every URL.
   * @default 'live'
   */
  readonly stageName?: string;
  /**
   * Stage throttling, steady requests per second and burst.
   * @default { rateLimit: 1000, burstLimit: 2000 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;
  /**
   * Write JSON access logs of the stage to a CloudWatch log group.
   * @default true
   */
  readonly accessLogs?: boolean;
  /**
   * Set the account's API Gateway CloudWatch role (an account-wide, per-region setting that
   * WebSocket access logging needs). Turn off when the account already has it.
   * @default true
   */
  readonly createCloudWatchRole?: boolean;
  /**
   * Create the integration-error alarm.
   * @default true
   */
  readonly alarms?: boolean;
}

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
 * subscribed connections. Bound by the account's `@connections` rate (10,000 requests/s by
 * default): suits up to a few thousand ticking clients; beyond, use {@link ContainerFanoutService}.
 * Guarantees: access logs, stage throttling, encrypted connection table, least-privilege roles
 * (named DynamoDB actions, `execute-api:ManageConnections` on this stage only).
 *
 * @example
 * ```ts
 * import { ServerlessFanout, TradeProcessor } from '@market-stream/cdk-constructs';
 *
 * const fanout = new ServerlessFanout(stack, 'Fanout', { mode: 'latest' });
 * new TradeProcessor(stack, 'Processor', { stream: trades.stream, fanout });
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
    this.connectionTable = props.existingConnectionTable ?? this.createConnectionTable(props);
    ({
      connect: this.connectHandler,
      disconnect: this.disconnectHandler,
      message: this.messageHandler,
    } = this.createHandlers(props.jwt));

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
      accessLogs: props.accessLogs ?? true,
    }));
    if (this.accessLogGroup && (props.createCloudWatchRole ?? true)) {
      this.cloudWatchRole = createApiGatewayCloudWatchRole(this, this.stage);
    }

    this.stage.grantManagementApiAccess(this.messageHandler);
    this.messageHandler.addEnvironment(LAMBDA_ENV.endpoint, this.stage.callbackUrl);

    acknowledgeWebSocketRoutes(this.webSocketApi, MESSAGE_ACTIONS, connectRouteReason(props));
    acknowledgeWildcards(this, [MANAGE_CONNECTIONS_ALLOWANCE, ...DATA_GRANT_ALLOWANCES]);
    if (props.alarms ?? true) {
      this.integrationErrorAlarm = this.createIntegrationErrorAlarm();
    }
  }

  /** The new connection table (`Connections`): ephemeral records, so destroyed with the stack. */
  private createConnectionTable(props: ServerlessFanoutProps): dynamodb.Table {
    const table = new dynamodb.Table(this, 'Connections', {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.DESTROY,
      ...props.connectionTableProps,
      ...cdkTableKeys(CONNECTIONS_TABLE_KEYS),
    });
    acknowledge(
      table,
      'AwsSolutions-DDB3',
      'Connection records are ephemeral (API Gateway closes connections after 2 hours); there is nothing to recover.',
    );
    return table;
  }

  /** The `connect`, `disconnect` and `message` handlers, each reading and writing the table. */
  private createHandlers(
    jwt: FanoutJwtAuth | undefined,
  ): Record<'connect' | 'disconnect' | 'message', lambda.Function> {
    const base = lambdaEnvironment({
      connectionsTable: this.connectionTable.tableName,
      shards: this.connectionShards,
      mode: this.mode,
    });
    const handlerDefaults = {
      memorySize: DEFAULTS.fanout.handlerMemoryMiB,
      timeout: Duration.seconds(DEFAULTS.fanout.handlerTimeoutSeconds),
    };
    const jwtEnvironment = lambdaEnvironment({
      jwtJwksUrl: jwt?.jwksUrl,
      jwtIssuer: jwt?.issuer,
      jwtAudience: jwt?.audience,
    });
    const handlers = {
      connect: new BundledFunction(this, 'Connect', {
        handler: 'connect',
        description: 'market-stream $connect: registers the connection in its shard',
        environment: { ...base, ...jwtEnvironment },
        ...handlerDefaults,
      }).function,
      disconnect: new BundledFunction(this, 'Disconnect', {
        handler: 'disconnect',
        description: 'market-stream $disconnect: removes the connection',
        environment: base,
        ...handlerDefaults,
      }).function,
      message: new BundledFunction(this, 'Message', {
        handler: 'message',
        description: 'market-stream subscribe / unsubscribe / ping',
        environment: base,
        ...handlerDefaults,
      }).function,
    };
    for (const fn of [handlers.connect, handlers.disconnect, handlers.message]) {
      this.connectionTable.grantReadWriteData(fn);
    }
    return handlers;
  }

  /** Fires on 5 or more integration errors in a period. */
  private createIntegrationErrorAlarm(): cloudwatch.Alarm {
    return this.metricIntegrationErrors().createAlarm(this, 'IntegrationErrorAlarm', {
      alarmDescription: 'WebSocket route handlers are failing',
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
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
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: this.webSocketApi.apiId, Stage: this.stage.stageName },
      statistic: 'Sum',
      region: Stack.of(this).region,
      ...props,
    });
  }
}
