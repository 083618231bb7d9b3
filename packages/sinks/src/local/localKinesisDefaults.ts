/**
 * Defaults of `startLocalKinesis`: the timings Kinesis documents for enhanced fan-out (5-minute
 * subscriptions, one `SubscribeToShard` per second per consumer and shard, a takeover after 5 s)
 * and short state changes so local runs start fast.
 *
 * @example
 * ```ts
 * import { LOCAL_KINESIS_DEFAULTS } from '@market-stream/sinks/local';
 *
 * LOCAL_KINESIS_DEFAULTS.subscriptionMs; // 300000 (5 minutes)
 * ```
 */
export const LOCAL_KINESIS_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  subscriptionMs: 5 * 60_000,
  subscribeIntervalMs: 1_000,
  takeoverAfterMs: 5_000,
  consumerActivationMs: 100,
  consumerDeletionMs: 100,
  pollMs: 200,
  emptyEventMs: 5_000,
  streamStateMs: 50,
});
