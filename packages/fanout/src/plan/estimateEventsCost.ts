import { EVENTS_PUBLISHER_DEFAULTS } from '../defaults.js';
import type { EventsTraffic } from './estimateEventsTraffic.js';
import { SECONDS_PER_MONTH, type Traffic } from './estimateTraffic.js';
import type { FanoutPlan } from './planFanoutTypes.js';
import type { PriceTable } from './prices.js';

/** Memory of the processor, GB (512 MB, as the serverless processor). */
const LAMBDA_MEMORY_GB = 0.5;

/**
 * Prices the `events` topology: Event API operations (publishes, deliveries, connects,
 * subscribes) and connection minutes, the Lambda processor (one invocation per window, its start
 * then its rounds of `EVENTS_PUBLISHER_DEFAULTS.concurrency` concurrent publish requests) and data
 * out. No connection table: AppSync keeps the subscriptions. Snapshots come from the history API,
 * which every topology has, so it is priced in none.
 *
 * @param traffic - The workload's common figures (its window).
 * @param events - What the topology publishes and delivers.
 * @param prices - List prices and limits.
 * @returns The cost lines, their sum and whether the rates fit AppSync Events' quotas (the
 *   latency is estimated apart, by `estimateEventsLatency`).
 *
 * @example
 * ```ts
 * const cost = estimateEventsCost(traffic, estimateEventsTraffic(options, traffic, PRICE_TABLE), PRICE_TABLE);
 * ```
 */
export function estimateEventsCost(
  traffic: Traffic,
  events: EventsTraffic,
  prices: PriceTable,
): Omit<FanoutPlan['events'], 'latency'> {
  const { limits } = prices;
  const operations =
    (events.operationsPerMonth / 1e6) * prices.appSyncEvents.operationsPerMillion.value;
  const connectionMinutes =
    (events.connectionMinutesPerMonth / 1e6) *
    prices.appSyncEvents.connectionMinutesPerMillion.value;

  const invocationsPerSecond = 1 / traffic.window;
  const rounds = events.publishRequestsPerWindow / EVENTS_PUBLISHER_DEFAULTS.concurrency;
  const processorSeconds =
    (prices.latency.lambdaProcessorMs.value + rounds * prices.latency.appSyncPublishRoundMs.value) /
    1000;
  const lambda =
    ((invocationsPerSecond * SECONDS_PER_MONTH) / 1e6) * prices.lambda.requestsPerMillion.value +
    invocationsPerSecond *
      processorSeconds *
      LAMBDA_MEMORY_GB *
      SECONDS_PER_MONTH *
      prices.lambda.gbSecond.value;

  const dataTransfer = events.gigabytesOutPerMonth * prices.dataTransfer.outPerGb.value;
  return {
    monthlyUsd: operations + connectionMinutes + lambda + dataTransfer,
    operations,
    connectionMinutes,
    lambda,
    dataTransfer,
    withinLimit:
      events.inboundPerSecond <= limits.eventsInboundPerSecond.value &&
      events.outboundPerSecond <= limits.eventsOutboundPerSecond.value &&
      events.connectsPerSecond <= limits.eventsConnectRequestsPerSecond.value &&
      events.subscriptionsPerConnection <= limits.eventsSubscriptionsPerConnection.value,
  };
}
