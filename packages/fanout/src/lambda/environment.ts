import { LAMBDA_ENV } from '@market-stream/core';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { LambdaConfigError } from '../errors.js';
import type { DeliveryMode } from '../types.js';

/**
 * The configuration the ready handlers read from environment variables (contract names).
 *
 * @example
 * ```ts
 * import { readEnvironment, type LambdaEnvironment } from '@market-stream/fanout/lambda';
 *
 * const config: LambdaEnvironment = readEnvironment({ CONNECTIONS_TABLE: 'connections' });
 * config.shards; // 16
 * ```
 */
export interface LambdaEnvironment {
  /** `CONNECTIONS_TABLE` (required). */
  connectionsTable: string;
  /** `CONNECTION_SHARDS`, default 16. */
  shards: number;
  /** `FANOUT_MODE`: `latest` (default) or `all`. */
  mode: DeliveryMode;
  /** `WEBSOCKET_API_ENDPOINT`: the stage's https URL for `@connections`. */
  endpoint?: string;
  /**
   * `HISTORY_TABLE`: when set, the processor also writes history, and the message handler
   * recovers a subscribe's `since` from it.
   */
  historyTable?: string;
  /** `JWT_SECRET`. */
  jwtSecret?: string;
  /** `JWT_JWKS_URL`. */
  jwtJwksUrl?: string;
  /** `JWT_ISSUER`. */
  jwtIssuer?: string;
  /** `JWT_AUDIENCE` (required with `JWT_JWKS_URL`). */
  jwtAudience?: string;
  /** `BROADCASTER_FUNCTION`: when set, the processor invokes per-shard broadcasters. */
  broadcasterFunction?: string;
}

/**
 * Reads and checks the ready handlers' environment variables: `CONNECTIONS_TABLE`
 * (required), `CONNECTION_SHARDS`, `FANOUT_MODE`, `WEBSOCKET_API_ENDPOINT`, `HISTORY_TABLE`,
 * `JWT_SECRET` / `JWT_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE` (required with `JWT_JWKS_URL`),
 * `BROADCASTER_FUNCTION`. Empty strings count as unset.
 *
 * @param env - The variables.
 * @default process.env
 * @returns The parsed configuration.
 * @throws LambdaConfigError naming the first missing or invalid variable.
 *
 * @example
 * ```ts
 * import { readEnvironment } from '@market-stream/fanout/lambda';
 *
 * const { connectionsTable, shards } = readEnvironment();
 * ```
 */
export function readEnvironment(
  env: Record<string, string | undefined> = process.env,
): LambdaEnvironment {
  const value = (name: string) => {
    const text = env[name]?.trim();
    return text ? text : undefined;
  };
  const connectionsTable = value(LAMBDA_ENV.connectionsTable);
  if (!connectionsTable) throw new LambdaConfigError(LAMBDA_ENV.connectionsTable, 'is required');

  const shardsText = value(LAMBDA_ENV.shards);
  const shards = shardsText === undefined ? SERVERLESS_DEFAULTS.shards : Number(shardsText);
  if (!Number.isInteger(shards) || shards < 1 || shards > 10_000) {
    throw new LambdaConfigError(
      LAMBDA_ENV.shards,
      `must be an integer 1…10000, got "${shardsText}"`,
    );
  }
  const mode = value(LAMBDA_ENV.mode) ?? SERVERLESS_DEFAULTS.mode;
  if (mode !== 'latest' && mode !== 'all') {
    throw new LambdaConfigError(LAMBDA_ENV.mode, `must be "latest" or "all", got "${mode}"`);
  }
  const endpoint = value(LAMBDA_ENV.endpoint);
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
    throw new LambdaConfigError(LAMBDA_ENV.endpoint, `must be an http(s) URL, got "${endpoint}"`);
  }

  const config: LambdaEnvironment = { connectionsTable, shards, mode };
  const optional = {
    endpoint,
    historyTable: value(LAMBDA_ENV.historyTable),
    jwtSecret: value(LAMBDA_ENV.jwtSecret),
    jwtJwksUrl: value(LAMBDA_ENV.jwtJwksUrl),
    jwtIssuer: value(LAMBDA_ENV.jwtIssuer),
    jwtAudience: value(LAMBDA_ENV.jwtAudience),
    broadcasterFunction: value(LAMBDA_ENV.broadcasterFunction),
  };
  if (optional.jwtJwksUrl !== undefined && optional.jwtAudience === undefined) {
    // A JWKS is usually an identity provider's, signing tokens for other applications too.
    throw new LambdaConfigError(LAMBDA_ENV.jwtAudience, 'is required with JWT_JWKS_URL');
  }
  for (const [key, text] of Object.entries(optional)) {
    if (text !== undefined) (config as unknown as Record<string, string>)[key] = text;
  }
  return config;
}

/**
 * The configuration the `events` topology's ready processor reads from environment variables.
 *
 * @example
 * ```ts
 * import { readEventsEnvironment, type EventsEnvironment } from '@market-stream/fanout/lambda';
 *
 * const config: EventsEnvironment = readEventsEnvironment({
 *   EVENT_API_ENDPOINT: 'https://abc.appsync-api.us-east-1.amazonaws.com/event',
 *   AWS_REGION: 'us-east-1',
 * });
 * ```
 */
export interface EventsEnvironment {
  /** `EVENT_API_ENDPOINT` (required): the Event API's HTTP publish endpoint, `https://{http-domain}/event`. */
  eventApiEndpoint: string;
  /** `AWS_REGION` (required; Lambda sets it): the region requests are signed for. */
  region: string;
  /** `HISTORY_TABLE`: when set, the processor also writes history. */
  historyTable?: string;
}

/**
 * Reads and checks the `events` processor's environment variables: `EVENT_API_ENDPOINT`
 * (required, an http(s) URL), `AWS_REGION` (required) and `HISTORY_TABLE`. Empty strings count
 * as unset. Unlike {@link readEnvironment}, it needs no connection table: AppSync Events keeps
 * the connections.
 *
 * @param env - The variables.
 * @default process.env
 * @returns The parsed configuration.
 * @throws LambdaConfigError naming the first missing or invalid variable.
 *
 * @example
 * ```ts
 * import { readEventsEnvironment } from '@market-stream/fanout/lambda';
 *
 * const { eventApiEndpoint, region } = readEventsEnvironment();
 * ```
 */
export function readEventsEnvironment(
  env: Record<string, string | undefined> = process.env,
): EventsEnvironment {
  const value = (name: string) => {
    const text = env[name]?.trim();
    return text ? text : undefined;
  };
  const eventApiEndpoint = value(LAMBDA_ENV.eventApiEndpoint);
  if (!eventApiEndpoint) throw new LambdaConfigError(LAMBDA_ENV.eventApiEndpoint, 'is required');
  if (!/^https?:\/\//.test(eventApiEndpoint)) {
    throw new LambdaConfigError(
      LAMBDA_ENV.eventApiEndpoint,
      `must be an http(s) URL, got "${eventApiEndpoint}"`,
    );
  }
  const region = value('AWS_REGION');
  if (!region) throw new LambdaConfigError('AWS_REGION', 'is required to sign publish requests');
  const historyTable = value(LAMBDA_ENV.historyTable);
  return { eventApiEndpoint, region, ...(historyTable ? { historyTable } : {}) };
}
