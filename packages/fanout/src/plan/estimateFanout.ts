import { PLAN_DEFAULTS } from '../defaults.js';
import { estimateContainersCost } from './estimateContainersCost.js';
import { estimateEventsCost } from './estimateEventsCost.js';
import { estimateEventsTraffic } from './estimateEventsTraffic.js';
import {
  estimateContainersLatency,
  estimateEventsLatency,
  estimateServerlessLatency,
} from './estimateLatency.js';
import { estimateServerlessCost } from './estimateServerlessCost.js';
import { estimateTraffic } from './estimateTraffic.js';
import type { FanoutPlan, PlanFanoutOptions } from './planFanoutTypes.js';
import { PRICE_TABLE } from './prices.js';
import { recommendTopology } from './recommendTopology.js';

/** A plan without its switch and fit points, which take more than one estimate to find. */
export type FanoutEstimate = Omit<
  FanoutPlan,
  'switchToContainersAtConnections' | 'stopsFittingAtConnections'
>;

/**
 * Estimates one workload: its traffic, what each topology costs and how late it delivers, and
 * the cheapest topology that fits the limits, with the reason in words.
 *
 * @param options - The workload, already validated.
 * @returns Every figure of the plan but the switch and fit points.
 *
 * @example
 * ```ts
 * estimateFanout({ connections: 500, tradesPerSecond: 50, symbolsPerConnection: 5, flushIntervalMs: 100 }).recommendation;
 * ```
 */
export function estimateFanout(options: PlanFanoutOptions): FanoutEstimate {
  const prices = options.prices ?? PRICE_TABLE;
  const { limits } = prices;
  const traffic = estimateTraffic(options, prices);
  const eventsTraffic = estimateEventsTraffic(options, traffic, prices);
  const read = options.streamRead ?? PLAN_DEFAULTS.streamRead;
  const containersCost = estimateContainersCost(traffic, options.container, prices);
  const figures = {
    connectionsApi: {
      requestsPerSecond: traffic.requestsPerSecond,
      naiveRequestsPerSecond: traffic.naiveRequestsPerSecond,
      limit: limits.connectionsRequestsPerSecond.value,
      utilisation: traffic.requestsPerSecond / limits.connectionsRequestsPerSecond.value,
    },
    eventsApi: {
      publishRequestsPerSecond: eventsTraffic.publishRequestsPerSecond,
      inboundPerSecond: eventsTraffic.inboundPerSecond,
      outboundPerSecond: eventsTraffic.outboundPerSecond,
      connectionOperationsPerSecond: eventsTraffic.connectionOperationsPerSecond,
      operationsPerMonth: eventsTraffic.operationsPerMonth,
      averageEventBytes: eventsTraffic.averageEventBytes,
      inboundLimit: limits.eventsInboundPerSecond.value,
      outboundLimit: limits.eventsOutboundPerSecond.value,
      utilisation: Math.max(
        eventsTraffic.inboundPerSecond / limits.eventsInboundPerSecond.value,
        eventsTraffic.outboundPerSecond / limits.eventsOutboundPerSecond.value,
      ),
    },
    serverless: {
      ...estimateServerlessCost(traffic, options.shards, prices),
      latency: estimateServerlessLatency(traffic, read, prices),
    },
    containers: {
      ...containersCost,
      // Pushed, every node is one of the stream's enhanced fan-out consumers.
      withinLimit:
        read === 'poll' || containersCost.nodes <= limits.enhancedFanOutConsumersPerStream.value,
      latency: estimateContainersLatency(traffic, containersCost.nodes, read, prices),
    },
    events: {
      ...estimateEventsCost(traffic, eventsTraffic, prices),
      latency: estimateEventsLatency(eventsTraffic, read, prices),
    },
  };
  const compare = options.compare ?? PLAN_DEFAULTS.compare;
  return {
    ...figures,
    messagesPerMonth: traffic.messagesPerMonth,
    averageMessageBytes: traffic.averageMessageBytes,
    connectionMinutesPerMonth: traffic.connectionMinutesPerMonth,
    ...recommendTopology(figures, compare, options.topology, prices),
  };
}
