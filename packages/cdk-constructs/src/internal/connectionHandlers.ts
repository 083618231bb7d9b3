import { lambdaEnvironment } from '@market-stream/core';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import type { FanoutJwtAuth } from '../fanout/ServerlessFanoutProps.js';
import { BundledFunction } from './BundledFunction.js';
import { functionSettings } from './functionSettings.js';

/** Props of {@link createConnectionHandlers}. */
export interface ConnectionHandlersProps {
  readonly connectionTable: dynamodb.ITable;
  readonly connectionShards: number;
  readonly mode: 'latest' | 'all';
  /** JWT checking in the connect handler. */
  readonly jwt?: FanoutJwtAuth;
}

/** What {@link createConnectionHandlers} builds. */
export type ConnectionHandlers = Record<'connect' | 'disconnect' | 'message', lambda.Function>;

/**
 * The WebSocket route handlers (`Connect`, `Disconnect`, `Message`), each reading and writing the
 * connection table and told its shards and mode; only `connect` gets the JWT settings.
 *
 * @example
 * ```ts
 * const { connect, disconnect, message } = createConnectionHandlers(this, { connectionTable, connectionShards: 16, mode: 'latest' });
 * ```
 */
export function createConnectionHandlers(
  scope: Construct,
  props: ConnectionHandlersProps,
): ConnectionHandlers {
  const base = lambdaEnvironment({
    connectionsTable: props.connectionTable.tableName,
    shards: props.connectionShards,
    mode: props.mode,
  });
  const settings = functionSettings({
    memoryMiB: DEFAULTS.fanout.handlerMemoryMiB,
    timeoutSeconds: DEFAULTS.fanout.handlerTimeoutSeconds,
  });
  const jwtEnvironment = lambdaEnvironment({
    jwtJwksUrl: props.jwt?.jwksUrl,
    jwtIssuer: props.jwt?.issuer,
    jwtAudience: props.jwt?.audience,
  });
  const handlers = {
    connect: new BundledFunction(scope, 'Connect', {
      handler: 'connect',
      description: 'market-stream $connect: registers the connection in its shard',
      environment: { ...base, ...jwtEnvironment },
      ...settings,
    }).function,
    disconnect: new BundledFunction(scope, 'Disconnect', {
      handler: 'disconnect',
      description: 'market-stream $disconnect: removes the connection',
      environment: base,
      ...settings,
    }).function,
    message: new BundledFunction(scope, 'Message', {
      handler: 'message',
      description: 'market-stream subscribe / unsubscribe / ping',
      environment: base,
      ...settings,
    }).function,
  };
  for (const fn of [handlers.connect, handlers.disconnect, handlers.message]) {
    props.connectionTable.grantReadWriteData(fn);
  }
  return handlers;
}
