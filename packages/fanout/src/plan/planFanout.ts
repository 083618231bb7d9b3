import { estimateFanout, type FanoutEstimate } from './estimateFanout.js';
import type { FanoutPlan, PlanFanoutOptions } from './planFanoutTypes.js';
import { validatePlanOptions } from './validatePlanOptions.js';

/** Highest connection count searched for the point where containers become the better choice. */
const SWITCH_SEARCH_LIMIT = 10_000_000;

/**
 * Estimates what a fan-out workload costs, how late each trade reaches the send, and whether it
 * fits API Gateway's limits, for the serverless topology (API Gateway WebSocket + Lambda +
 * DynamoDB) and the container topology (Fargate nodes behind an ALB), so you can see when to
 * switch.
 *
 * Model: trades spread evenly (Poisson) over `symbols`; a connection gets one message per
 * window in which any of its symbols traded; every message is one PostToConnection and is
 * billed in 32 KB increments; clients ping every `pingIntervalSeconds` (a message in, a pong
 * out); each connection reconnects every 2 hours (API Gateway's limit). Lambda: one processor
 * invocation per window (512 MB, 30 ms + 20 ms per 32 concurrent sends); DynamoDB on demand.
 * Containers: `max(minNodes, connections / connectionsPerNode, messages/s /
 * messagesPerSecondPerNode)` nodes. Latency (`serverless.latency`, `containers.latency`) from
 * the documented figures of `PRICE_TABLE.latency`: Kinesis propagation ~70 ms per enhanced
 * fan-out consumer, ~200 ms polled by one consumer and ~1 s by five (each container node polls as
 * a consumer of its own); Lambda's standard iterator polls each shard once a second; then the
 * flush window (containers) or the processor and its rounds of PostToConnection (serverless).
 * AWS publishes averages: each is read as an even spread over [0, 2 × average], each wait for a
 * poll or window as an even spread over its length, and the totals add the stages. Estimates
 * for planning, not a quote: prices from {@link PRICE_TABLE}, free tiers and enhanced fan-out
 * charges ignored.
 *
 * @param options - Workload and sizing; see {@link PlanFanoutOptions}.
 * @returns Rates, monthly volumes, costs and modelled latency per topology, and a recommendation.
 * @throws RangeError when a count or rate is negative or not finite, the window is not positive,
 *   or `streamRead` is neither `push` nor `poll`.
 *
 * @example
 * ```ts
 * import { planFanout } from '@market-stream/fanout';
 *
 * const plan = planFanout({
 *   connections: 5_000, tradesPerSecond: 500, symbolsPerConnection: 5, flushIntervalMs: 100,
 *   topology: 'serverless',
 * });
 * console.log(plan.connectionsApi.requestsPerSecond, plan.serverless.monthlyUsd, plan.recommendation);
 * console.log(plan.serverless.latency.p99Ms, plan.containers.latency.p99Ms); // trade to send, ms
 * ```
 */
export function planFanout(options: PlanFanoutOptions): FanoutPlan {
  validatePlanOptions(options);
  const plan = estimateFanout(options);
  let switchAt: number | undefined;
  if (!serverlessWins(plan)) switchAt = options.connections;
  else {
    let low = options.connections;
    let high = SWITCH_SEARCH_LIMIT;
    if (serverlessWins(estimateFanout({ ...options, connections: high }))) switchAt = undefined;
    else {
      while (high - low > Math.max(1, low * 0.001)) {
        const middle = Math.floor((low + high) / 2);
        if (serverlessWins(estimateFanout({ ...options, connections: middle }))) low = middle;
        else high = middle;
      }
      switchAt = high;
    }
  }
  return { ...plan, switchToContainersAtConnections: switchAt };
}

function serverlessWins(plan: FanoutEstimate): boolean {
  return plan.recommendation === 'serverless';
}
