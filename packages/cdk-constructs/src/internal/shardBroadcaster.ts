import { LAMBDA_ENV } from '@market-stream/core';
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.js';
import { ConstructPropsError } from '../errors.js';
import type { ServerlessFanout } from '../fanout/ServerlessFanout.js';
import type { TradeProcessorProps } from '../processor/TradeProcessorProps.js';
import { BundledFunction } from './BundledFunction.js';
import type { FunctionSettings } from './functionSettings.js';
import { createOnFailureQueue } from './onFailureQueue.js';

/** Props of {@link createShardBroadcaster}; unset retry settings take the defaults. */
export interface ShardBroadcasterProps
  extends Pick<TradeProcessorProps, 'broadcasterRetryAttempts' | 'broadcasterMaxEventAge'> {
  /** The fan-out the broadcaster publishes to. */
  readonly fanout: ServerlessFanout;
  /** The processor function that invokes it (`BROADCASTER_FUNCTION`). */
  readonly processor: lambda.Function;
  /** Sizing of the broadcaster function, as the processor's. */
  readonly settings: FunctionSettings;
}

/** What {@link createShardBroadcaster} builds. */
export interface ShardBroadcaster {
  readonly broadcaster: lambda.Function;
  /** On-failure destination of the broadcaster's asynchronous invocations. */
  readonly failureQueue: sqs.Queue;
}

/**
 * The per-shard broadcaster (`Broadcaster`): publishes to `fanout`, invoked asynchronously by
 * `processor` once per connection shard. Its invocations are bounded — at most
 * `broadcasterRetryAttempts` retries and `broadcasterMaxEventAge` in Lambda's queue — and end in
 * an on-failure queue (`BroadcastOnFailure`) rather than arriving late and out of order.
 *
 * @throws ConstructPropsError when `broadcasterRetryAttempts` is not 0, 1 or 2.
 * @example
 * ```ts
 * const { broadcaster, failureQueue } = createShardBroadcaster(this, { fanout, processor, settings });
 * ```
 */
export function createShardBroadcaster(
  scope: Construct,
  props: ShardBroadcasterProps,
): ShardBroadcaster {
  const broadcaster = new BundledFunction(scope, 'Broadcaster', {
    handler: 'broadcaster',
    description: 'market-stream broadcaster: sends one connection shard its trades',
    environment: props.fanout.publisherEnvironment(),
    ...props.settings,
  }).function;
  props.fanout.grantPublish(broadcaster);
  broadcaster.grantInvoke(props.processor);
  props.processor.addEnvironment(LAMBDA_ENV.broadcasterFunction, broadcaster.functionName);

  const retryAttempts =
    props.broadcasterRetryAttempts ?? DEFAULTS.processor.broadcasterRetryAttempts;
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 2) {
    throw new ConstructPropsError('TradeProcessor', 'broadcasterRetryAttempts must be 0, 1 or 2');
  }
  const failureQueue = createOnFailureQueue(
    scope,
    'BroadcastOnFailure',
    "the broadcaster's asynchronous invocations",
  );
  broadcaster.configureAsyncInvoke({
    retryAttempts,
    maxEventAge:
      props.broadcasterMaxEventAge ??
      Duration.seconds(DEFAULTS.processor.broadcasterMaxEventAgeSeconds),
    onFailure: new SqsDestination(failureQueue),
  });
  return { broadcaster, failureQueue };
}
