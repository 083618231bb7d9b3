import { estimateFanout, type FanoutEstimate } from './estimateFanout.js';
import type { FanoutPlan, FanoutTopology, PlanFanoutOptions } from './planFanoutTypes.js';
import { validatePlanOptions } from './validatePlanOptions.js';

/** Highest connection count searched for a switch or fit point. */
const SEARCH_LIMIT = 10_000_000;

/**
 * Estimates what a fan-out workload costs, how late each trade reaches the send, and whether it
 * fits each service's limits, for the serverless topology (API Gateway WebSocket + Lambda +
 * DynamoDB), the container topology (Fargate nodes behind an ALB) and the events topology (AWS
 * AppSync Events), on the same load, so you can see which one to run and when to switch.
 *
 * Model: trades spread evenly (Poisson) over `symbols`; a connection gets one message per
 * window in which any of its symbols traded; every message is one PostToConnection and is
 * billed in 32 KB increments; clients ping every `pingIntervalSeconds` (a message in, a pong
 * out); each connection reconnects every 2 hours (API Gateway's limit). Lambda: one processor
 * invocation per window (512 MB, 30 ms + 20 ms per 32 concurrent sends); DynamoDB on demand.
 * Containers: `max(minNodes, connections / connectionsPerNode, messages/s /
 * messagesPerSecondPerNode)` nodes, at most 20 per stream when they read by push (enhanced
 * fan-out consumers). Events: each window the processor publishes one event per symbol that
 * traded (all its trades, split under 240 KB; up to 5 events per publish request, 16 requests in
 * flight); AppSync delivers each event to every connection subscribed to that symbol's channel
 * (one subscription per symbol, so a connection of 5 busy symbols gets 5 messages a window where
 * the other topologies send 1); publishes, deliveries, connects and subscribes are operations
 * metered in 5 KB units, against AppSync's inbound (10,000/s) and outbound (1,000,000/s) quotas.
 * Latency (`serverless.latency`, `containers.latency`, `events.latency`) from the figures of
 * `PRICE_TABLE.latency`: Kinesis propagation ~70 ms per enhanced fan-out consumer, ~200 ms polled
 * by one consumer and ~1 s by five (each container node polls as a consumer of its own); Lambda's
 * standard iterator polls each shard once a second; then the flush window (containers), the
 * processor and its rounds of PostToConnection (serverless) or of publish requests and AppSync's
 * fan-out (events; AWS publishes no figure for either, so both are marked assumptions). AWS
 * publishes averages: each is read as an even spread over [0, 2 × average], each wait for a poll
 * or window as an even spread over its length, and the totals add the stages. Estimates for
 * planning, not a quote: prices from {@link PRICE_TABLE}, free tiers and enhanced fan-out charges
 * ignored.
 *
 * @param options - Workload and sizing; see {@link PlanFanoutOptions}.
 * @returns Rates, monthly volumes, costs and modelled latency per topology, the connection count
 *   at which each stops fitting, and a recommendation.
 * @throws RangeError when a count or rate is negative or not finite, the window is not positive,
 *   `streamRead` is neither `push` nor `poll`, or `compare` is empty or names an unknown topology.
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
 * console.log(plan.eventsApi.outboundPerSecond, plan.events.monthlyUsd, plan.stopsFittingAtConnections);
 * console.log(plan.serverless.latency.p99Ms, plan.events.latency.p99Ms); // trade to send, ms
 * ```
 */
export function planFanout(options: PlanFanoutOptions): FanoutPlan {
  validatePlanOptions(options);
  const plan = estimateFanout(options);
  const at = (connections: number) => estimateFanout({ ...options, connections });
  const switchAt = serverlessWins(plan)
    ? firstConnectionsWhere((n) => !serverlessWins(at(n)), options.connections)
    : options.connections;
  const stopsFitting = (topology: FanoutTopology) =>
    firstConnectionsWhere((n) => !at(n)[topology].withinLimit, 0);
  return {
    ...plan,
    switchToContainersAtConnections: switchAt,
    stopsFittingAtConnections: {
      serverless: stopsFitting('serverless'),
      containers: stopsFitting('containers'),
      events: stopsFitting('events'),
    },
  };
}

/** Serverless against containers alone: the comparison `switchToContainersAtConnections` names. */
function serverlessWins(plan: FanoutEstimate): boolean {
  return plan.serverless.withinLimit && plan.serverless.monthlyUsd <= plan.containers.monthlyUsd;
}

/**
 * The smallest connection count from `low` up to {@link SEARCH_LIMIT} at which `holds` (which
 * stays true once it is) becomes true, to within 0.1%; `undefined` if it never does.
 */
function firstConnectionsWhere(
  holds: (connections: number) => boolean,
  low: number,
): number | undefined {
  if (holds(low)) return low;
  let below = low;
  let high = SEARCH_LIMIT;
  if (!holds(high)) return undefined;
  while (high - below > Math.max(1, below * 0.001)) {
    const middle = Math.floor((below + high) / 2);
    if (holds(middle)) high = middle;
    else below = middle;
  }
  return high;
}
