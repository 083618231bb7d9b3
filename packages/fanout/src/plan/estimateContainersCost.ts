import { PLAN_DEFAULTS } from '../defaults.js';
import { HOURS_PER_MONTH, type Traffic } from './estimateTraffic.js';
import type { ContainerSizing, FanoutPlan } from './planFanoutTypes.js';
import type { PriceTable } from './prices.js';

// What one Application Load Balancer capacity unit (LCU) covers; the busiest dimension bills.
/** New connections per second. */
const NEW_CONNECTIONS_PER_LCU = 25;
/** Active connections. */
const ACTIVE_CONNECTIONS_PER_LCU = 3000;
/** Bytes processed per hour. */
const BYTES_PER_LCU_HOUR = 1e9;

/**
 * Prices the container topology: `max(minNodes, connections / connectionsPerNode, messages/s /
 * messagesPerSecondPerNode)` Fargate nodes, the load balancer (hours and LCUs), and data out.
 *
 * @param traffic - What the workload sends.
 * @param container - Node sizing; missing fields read as `PLAN_DEFAULTS.container`.
 * @param prices - List prices.
 * @returns The node count, the cost lines and their sum (the fit is judged by `estimateFanout`,
 *   the latency by `estimateContainersLatency`).
 *
 * @example
 * ```ts
 * const containers = estimateContainersCost(traffic, { vcpu: 2 }, PRICE_TABLE);
 * ```
 */
export function estimateContainersCost(
  traffic: Traffic,
  container: Partial<ContainerSizing> | undefined,
  prices: PriceTable,
): Omit<FanoutPlan['containers'], 'latency' | 'withinLimit'> {
  const sizing = { ...PLAN_DEFAULTS.container, ...container };
  const { connections, tradesMessagesPerSecond, averageMessageBytes } = traffic;

  const nodes = Math.max(
    sizing.minNodes,
    Math.ceil(connections / sizing.connectionsPerNode),
    Math.ceil(tradesMessagesPerSecond / sizing.messagesPerSecondPerNode),
  );
  const fargate =
    nodes *
    (sizing.vcpu * prices.fargate.vcpuHour.value + sizing.memoryGb * prices.fargate.gbHour.value) *
    HOURS_PER_MONTH;
  const lcus = Math.max(
    traffic.reconnectsPerSecond / NEW_CONNECTIONS_PER_LCU,
    connections / ACTIVE_CONNECTIONS_PER_LCU,
    (tradesMessagesPerSecond * averageMessageBytes * 3600) / BYTES_PER_LCU_HOUR,
  );
  const loadBalancer = (prices.alb.hour.value + lcus * prices.alb.lcuHour.value) * HOURS_PER_MONTH;
  const dataTransfer = traffic.gigabytesOutPerMonth * prices.dataTransfer.outPerGb.value;
  return {
    monthlyUsd: fargate + loadBalancer + dataTransfer,
    nodes,
    fargate,
    loadBalancer,
    dataTransfer,
  };
}
