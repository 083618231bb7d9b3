import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

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
   * The history table the processor writes (`TradeHistoryTable`): the message handler recovers
   * a reconnecting client's missed trades from it (a subscribe's `since`, in `all` mode) and is
   * given `HISTORY_TABLE` and `dynamodb:Query` on this table only. Without it, `since` is
   * answered "not recovered" (`UNAVAILABLE`) with the snapshot.
   * @default - no recovery from history
   */
  readonly historyTable?: dynamodb.ITable;
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
   * @default true (`DEFAULTS.accessLogs`)
   */
  readonly accessLogs?: boolean;
  /**
   * Set the account's API Gateway CloudWatch role (an account-wide, per-region setting that
   * WebSocket access logging needs). Turn off when the account already has it.
   * @default true (`DEFAULTS.fanout.createCloudWatchRole`)
   */
  readonly createCloudWatchRole?: boolean;
  /**
   * Create the integration-error alarm.
   * @default true (`DEFAULTS.alarms`)
   */
  readonly alarms?: boolean;
}
