/**
 * The names the deployed parts agree on: the environment variables of the serverless fan-out
 * handlers and the key schemas of the history and connection tables. Written once here, because
 * `@market-stream/cdk-constructs` (which depends only on core at synth time) writes them and the
 * handlers in `@market-stream/fanout` and `@market-stream/sinks` read them; those packages
 * re-export them at their doors.
 */

/**
 * The settings a serverless fan-out handler reads from its environment, by field name. Unset
 * fields (and empty strings) are left out of the environment.
 *
 * @example
 * ```ts
 * import type { LambdaEnvironmentSettings } from '@market-stream/core';
 *
 * const settings: LambdaEnvironmentSettings = { connectionsTable: 'connections', shards: 4 };
 * ```
 */
export interface LambdaEnvironmentSettings {
  /** The connection table's name. */
  readonly connectionsTable?: string;
  /** Connection shards. */
  readonly shards?: number;
  /** Delivery mode: `latest` conflates per symbol per flush, `all` sends every trade. */
  readonly mode?: 'all' | 'latest';
  /** The stage's https URL for `@connections`. */
  readonly endpoint?: string;
  /** The history table's name. */
  readonly historyTable?: string;
  /** HMAC secret of the tokens `$connect` accepts. */
  readonly jwtSecret?: string;
  /** JWKS URL the tokens' signatures are checked against. */
  readonly jwtJwksUrl?: string;
  /** Required `iss` claim. */
  readonly jwtIssuer?: string;
  /** Required `aud` claim. */
  readonly jwtAudience?: string;
  /** The per-shard broadcaster function's name. */
  readonly broadcasterFunction?: string;
  /**
   * The `events` topology: the AppSync Events API's HTTP publish endpoint
   * (`https://{http-domain}/event`) the processor publishes each batch to.
   */
  readonly eventApiEndpoint?: string;
}

/**
 * The environment variable name of each {@link LambdaEnvironmentSettings} field (contract):
 * the constructs write these and `readEnvironment` in `@market-stream/fanout/lambda` reads them.
 *
 * @example
 * ```ts
 * import { LAMBDA_ENV } from '@market-stream/core';
 *
 * process.env[LAMBDA_ENV.connectionsTable]; // process.env.CONNECTIONS_TABLE
 * ```
 */
export const LAMBDA_ENV = Object.freeze({
  connectionsTable: 'CONNECTIONS_TABLE',
  shards: 'CONNECTION_SHARDS',
  mode: 'FANOUT_MODE',
  endpoint: 'WEBSOCKET_API_ENDPOINT',
  historyTable: 'HISTORY_TABLE',
  jwtSecret: 'JWT_SECRET',
  jwtJwksUrl: 'JWT_JWKS_URL',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  broadcasterFunction: 'BROADCASTER_FUNCTION',
  eventApiEndpoint: 'EVENT_API_ENDPOINT',
} as const satisfies Record<keyof LambdaEnvironmentSettings, string>);

/**
 * Builds the environment variables of a serverless fan-out handler from typed settings, under
 * the {@link LAMBDA_ENV} names. Fields that are undefined or empty are left out; numbers are
 * written in decimal.
 *
 * @param settings - The settings to write.
 * @returns The variables, e.g. `{ CONNECTIONS_TABLE: 'connections', CONNECTION_SHARDS: '4' }`.
 *
 * @example
 * ```ts
 * import { lambdaEnvironment } from '@market-stream/core';
 *
 * lambdaEnvironment({ connectionsTable: 'connections', shards: 4, mode: 'latest' });
 * // { CONNECTIONS_TABLE: 'connections', CONNECTION_SHARDS: '4', FANOUT_MODE: 'latest' }
 * ```
 */
export function lambdaEnvironment(settings: LambdaEnvironmentSettings): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const field of Object.keys(LAMBDA_ENV) as (keyof LambdaEnvironmentSettings)[]) {
    const value = settings[field];
    if (value === undefined || value === '') continue;
    environment[LAMBDA_ENV[field]] = String(value);
  }
  return environment;
}

/**
 * One key attribute of a DynamoDB table, in the shape CDK's `partitionKey` / `sortKey` take
 * (`type` is the value of CDK's `AttributeType`).
 *
 * @example
 * ```ts
 * import type { TableKeyAttribute } from '@market-stream/core';
 *
 * const pk: TableKeyAttribute = { name: 'pk', type: 'S' };
 * ```
 */
export interface TableKeyAttribute {
  /** Attribute name. */
  readonly name: string;
  /** `S` string, `N` number, `B` binary. */
  readonly type: 'B' | 'N' | 'S';
}

/**
 * A table's key schema, both as CDK names it (`partitionKey`, `sortKey`) and in the shape
 * `CreateTableCommand` takes (`AttributeDefinitions`, `KeySchema`). Frozen.
 *
 * @example
 * ```ts
 * import { HISTORY_TABLE_KEYS } from '@market-stream/core';
 * import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
 *
 * new CreateTableCommand({
 *   TableName: 'history',
 *   AttributeDefinitions: HISTORY_TABLE_KEYS.AttributeDefinitions,
 *   KeySchema: HISTORY_TABLE_KEYS.KeySchema,
 *   BillingMode: 'PAY_PER_REQUEST',
 * });
 * ```
 */
export interface TableKeys {
  /** The hash key. */
  readonly partitionKey: TableKeyAttribute;
  /** The range key. */
  readonly sortKey: TableKeyAttribute;
  /** `CreateTableCommand`'s `AttributeDefinitions` for the two keys. */
  readonly AttributeDefinitions: { AttributeName: string; AttributeType: 'B' | 'N' | 'S' }[];
  /** `CreateTableCommand`'s `KeySchema`. */
  readonly KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
}

function tableKeys(partitionKey: TableKeyAttribute, sortKey: TableKeyAttribute): TableKeys {
  const freezeAll = <T extends object>(items: T[]): T[] =>
    Object.freeze(items.map((item) => Object.freeze(item))) as T[];
  return Object.freeze({
    partitionKey: Object.freeze({ ...partitionKey }),
    sortKey: Object.freeze({ ...sortKey }),
    AttributeDefinitions: freezeAll([
      { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
      { AttributeName: sortKey.name, AttributeType: sortKey.type },
    ]),
    KeySchema: freezeAll([
      { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: sortKey.name, KeyType: 'RANGE' as const },
    ]),
  });
}

/**
 * The trade history table's keys (contract; the table `toDynamo` in `@market-stream/sinks`
 * writes): `pk` string = symbol, `sk` string = zero-padded timestamp and seq.
 *
 * @example
 * ```ts
 * import { HISTORY_TABLE_KEYS } from '@market-stream/core';
 *
 * HISTORY_TABLE_KEYS.partitionKey; // { name: 'pk', type: 'S' }
 * ```
 */
export const HISTORY_TABLE_KEYS: TableKeys = tableKeys(
  { name: 'pk', type: 'S' },
  { name: 'sk', type: 'S' },
);

/**
 * The serverless fan-out's connection table keys (contract; the table the handlers in
 * `@market-stream/fanout/lambda` keep): `pk` string = `shard#N`, `sk` string = connection id.
 *
 * @example
 * ```ts
 * import { CONNECTIONS_TABLE_KEYS } from '@market-stream/core';
 *
 * CONNECTIONS_TABLE_KEYS.sortKey; // { name: 'sk', type: 'S' }
 * ```
 */
export const CONNECTIONS_TABLE_KEYS: TableKeys = tableKeys(
  { name: 'pk', type: 'S' },
  { name: 'sk', type: 'S' },
);
