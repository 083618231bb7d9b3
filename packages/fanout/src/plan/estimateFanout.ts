import { PLAN_DEFAULTS } from '../defaults.js';
import { estimateContainersCost } from './estimateContainersCost.js';
import { estimateContainersLatency, estimateServerlessLatency } from './estimateLatency.js';
import { estimateServerlessCost } from './estimateServerlessCost.js';
import { estimateTraffic } from './estimateTraffic.js';
import type { FanoutPlan, FanoutTopology, PlanFanoutOptions } from './planFanoutTypes.js';
import { PRICE_TABLE } from './prices.js';

/** A plan without its switch point, which takes more than one estimate to find. */
export type FanoutEstimate = Omit<FanoutPlan, 'switchToContainersAtConnections'>;

/**
 * Estimates one workload: its traffic, what each topology costs and how late it delivers, and
 * the cheaper topology that fits the limits, with the reason in words.
 *
 * @param options - The workload, already validated.
 * @returns Every figure of the plan but the switch point.
 *
 * @example
 * ```ts
 * estimateFanout({ connections: 500, tradesPerSecond: 50, symbolsPerConnection: 5, flushIntervalMs: 100 }).recommendation;
 * ```
 */
export function estimateFanout(options: PlanFanoutOptions): FanoutEstimate {
  const prices = options.prices ?? PRICE_TABLE;
  const limit = prices.limits.connectionsRequestsPerSecond.value;
  const traffic = estimateTraffic(options, prices);
  const read = options.streamRead ?? PLAN_DEFAULTS.streamRead;
  const serverlessCost = estimateServerlessCost(traffic, options.shards, prices);
  const containersCost = estimateContainersCost(traffic, options.container, prices);
  const serverless = {
    ...serverlessCost,
    latency: estimateServerlessLatency(traffic, read, prices),
  };
  const containers = {
    ...containersCost,
    latency: estimateContainersLatency(traffic, containersCost.nodes, read, prices),
  };
  const { requestsPerSecond } = traffic;

  const recommendation: FanoutTopology =
    serverless.withinLimit && serverless.monthlyUsd <= containers.monthlyUsd
      ? 'serverless'
      : 'containers';
  const current = options.topology;
  const verdict =
    current === undefined
      ? ''
      : current === recommendation
        ? ` Stay on ${current}.`
        : ` Switch to ${recommendation}.`;
  const cheaper = Math.min(serverless.monthlyUsd, containers.monthlyUsd);
  const dearer = Math.max(serverless.monthlyUsd, containers.monthlyUsd);
  const reason = !serverless.withinLimit
    ? `${round(requestsPerSecond)} @connections requests/s exceed the account limit of ${limit}/s.${verdict}`
    : `${recommendation} costs about $${round(cheaper)}/month against $${round(dearer)} (${round(
        100 * (requestsPerSecond / limit),
      )}% of the @connections limit).${verdict}`;

  return {
    connectionsApi: {
      requestsPerSecond,
      naiveRequestsPerSecond: traffic.naiveRequestsPerSecond,
      limit,
      utilisation: requestsPerSecond / limit,
    },
    messagesPerMonth: traffic.messagesPerMonth,
    averageMessageBytes: traffic.averageMessageBytes,
    connectionMinutesPerMonth: traffic.connectionMinutesPerMonth,
    serverless,
    containers,
    recommendation,
    reason,
  };
}

/** A dollar or rate figure as the reason shows it: whole above 100, else 1 or 2 decimals. */
function round(value: number): string {
  return value >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value.toFixed(value >= 10 ? 1 : 2);
}
