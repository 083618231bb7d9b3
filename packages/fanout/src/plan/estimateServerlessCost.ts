import { PLAN_DEFAULTS, SERVERLESS_DEFAULTS } from '../defaults.js';
import { SECONDS_PER_MONTH, type Traffic } from './estimateTraffic.js';
import type { FanoutPlan } from './planFanoutTypes.js';
import type { PriceTable } from './prices.js';

/** API Gateway bills the first billion messages of a month at the first tier's price. */
const FIRST_TIER_MESSAGES = 1e9;
/** Memory of each Lambda function, GB (512 MB). */
const LAMBDA_MEMORY_GB = 0.5;
/** Duration of one `$default` (ping) or `$connect`/`$disconnect` invocation, seconds. */
const HANDLER_SECONDS = 0.02;
/** Bytes of one connection item as a shard Query reads it. */
const CONNECTION_ITEM_BYTES = 150;
/** Bytes one read request unit covers: 4 KB, halved for an eventually consistent Query. */
const READ_UNIT_BYTES = 8192;

/**
 * Prices the serverless topology: API Gateway messages and connection minutes, the Lambda
 * processor (one invocation per window) and handlers (pings, connects, disconnects), DynamoDB on
 * demand (one Query per shard per window, at most once a second; connection and newest-trade
 * writes), and data out.
 *
 * @param traffic - What the workload sends.
 * @param shards - Connection shards; `undefined` reads as `PLAN_DEFAULTS.shards`.
 * @param prices - List prices and limits.
 * @returns The cost lines, their sum and whether the `@connections` rate fits the account limit
 *   (the latency is estimated apart, by `estimateServerlessLatency`).
 *
 * @example
 * ```ts
 * const serverless = estimateServerlessCost(traffic, 16, PRICE_TABLE);
 * ```
 */
export function estimateServerlessCost(
  traffic: Traffic,
  shards: number | undefined,
  prices: PriceTable,
): Omit<FanoutPlan['serverless'], 'latency'> {
  const { connections, window, tradesMessagesPerSecond, pongsPerSecond, reconnectsPerSecond } =
    traffic;
  const { messagesPerMonth } = traffic;
  const shardCount = shards ?? PLAN_DEFAULTS.shards;

  const firstTier = Math.min(messagesPerMonth, FIRST_TIER_MESSAGES);
  const apiGatewayMessages =
    (firstTier / 1e6) * prices.apiGateway.messagesPerMillion.value +
    ((messagesPerMonth - firstTier) / 1e6) * prices.apiGateway.messagesPerMillionOver1B.value;
  const connectionMinutes =
    (traffic.connectionMinutesPerMonth / 1e6) * prices.apiGateway.connectionMinutesPerMillion.value;

  const processorPerSecond = 1 / window;
  // The processor's duration: its start, then its rounds of concurrent sends (`prices.latency`).
  const processorSeconds =
    (prices.latency.lambdaProcessorMs.value +
      (tradesMessagesPerSecond * window * prices.latency.connectionsPostRoundMs.value) /
        SERVERLESS_DEFAULTS.concurrency) /
    1000;
  const handlerPerSecond = pongsPerSecond + 2 * reconnectsPerSecond;
  const lambdaGbSeconds =
    (processorPerSecond * processorSeconds + handlerPerSecond * HANDLER_SECONDS) *
    LAMBDA_MEMORY_GB *
    SECONDS_PER_MONTH;
  const lambda =
    (((processorPerSecond + handlerPerSecond) * SECONDS_PER_MONTH) / 1e6) *
      prices.lambda.requestsPerMillion.value +
    lambdaGbSeconds * prices.lambda.gbSecond.value;

  const readUnitsPerQuery = Math.max(
    1,
    Math.ceil(((connections / shardCount) * CONNECTION_ITEM_BYTES) / READ_UNIT_BYTES),
  );
  const readUnitsPerSecond = (shardCount * readUnitsPerQuery) / Math.max(window, 1);
  const writeUnitsPerSecond =
    2 * reconnectsPerSecond + Math.min(traffic.symbols, traffic.tradesPerSecond * window) / window;
  const dynamodb =
    ((readUnitsPerSecond * SECONDS_PER_MONTH) / 1e6) *
      prices.dynamodb.readRequestUnitsPerMillion.value +
    ((writeUnitsPerSecond * SECONDS_PER_MONTH) / 1e6) *
      prices.dynamodb.writeRequestUnitsPerMillion.value;

  const dataTransfer = traffic.gigabytesOutPerMonth * prices.dataTransfer.outPerGb.value;
  return {
    monthlyUsd: apiGatewayMessages + connectionMinutes + lambda + dynamodb + dataTransfer,
    apiGatewayMessages,
    connectionMinutes,
    lambda,
    dynamodb,
    dataTransfer,
    withinLimit: traffic.requestsPerSecond <= prices.limits.connectionsRequestsPerSecond.value,
  };
}
