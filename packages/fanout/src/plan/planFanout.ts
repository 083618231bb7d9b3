import type { DeliveryMode } from '../types.js';
import { PRICE_TABLE, type PriceTable } from './prices.js';

/**
 * The two fan-out topologies: `serverless` (API Gateway WebSocket API, Lambda, DynamoDB) and
 * `containers` (fan-out nodes on Fargate behind a load balancer).
 *
 * @example
 * ```ts
 * import type { FanoutTopology } from '@market-stream/fanout';
 *
 * const today: FanoutTopology = 'serverless';
 * ```
 */
export type FanoutTopology = 'serverless' | 'containers';

/**
 * Options of {@link planFanout}.
 *
 * @example
 * ```ts
 * import type { PlanFanoutOptions } from '@market-stream/fanout';
 *
 * const options: PlanFanoutOptions = {
 *   connections: 2_000, tradesPerSecond: 200, symbolsPerConnection: 5, flushIntervalMs: 100,
 * };
 * ```
 */
export interface PlanFanoutOptions {
  /** Concurrent client connections. */
  connections: number;
  /** Trades per second across every symbol. */
  tradesPerSecond: number;
  /** Symbols each connection subscribes to. */
  symbolsPerConnection: number;
  /** Flush window (serverless: the Kinesis batching window), ms. */
  flushIntervalMs: number;
  /** The topology you run today; the recommendation says whether to switch. */
  topology?: FanoutTopology;
  /**
   * Distinct symbols trading (trades are assumed spread evenly over them).
   * @default max(20, symbolsPerConnection)
   */
  symbols?: number;
  /**
   * Delivery mode; `all` carries every trade, so messages are larger.
   * @default 'latest'
   */
  mode?: DeliveryMode;
  /**
   * Bytes of one serialized trade.
   * @default 120
   */
  tradeBytes?: number;
  /**
   * Seconds between client keep-alive pings (API Gateway drops connections idle 10 minutes).
   * @default 300
   */
  pingIntervalSeconds?: number;
  /**
   * Connection shards (one DynamoDB Query per shard per window, at most once a second).
   * @default 16
   */
  shards?: number;
  /** Container sizing; see the defaults on each field. */
  container?: Partial<ContainerSizing>;
  /**
   * List prices and limits.
   * @default PRICE_TABLE
   */
  prices?: PriceTable;
}

/**
 * How one container fan-out node is sized and what it is assumed to carry.
 *
 * @example
 * ```ts
 * import type { ContainerSizing } from '@market-stream/fanout';
 *
 * const sizing: ContainerSizing = { vcpu: 1, memoryGb: 2, connectionsPerNode: 10_000, messagesPerSecondPerNode: 50_000, minNodes: 2 };
 * ```
 */
export interface ContainerSizing {
  /** vCPU per task. @default 1 */
  vcpu: number;
  /** Memory per task, GB. @default 2 */
  memoryGb: number;
  /** WebSocket connections one node holds. @default 10000 */
  connectionsPerNode: number;
  /** Messages per second one node sends. @default 50000 */
  messagesPerSecondPerNode: number;
  /** Nodes kept for availability (two zones). @default 2 */
  minNodes: number;
}

/**
 * The result of {@link planFanout}. Monthly figures assume 730 hours.
 *
 * @example
 * ```ts
 * import { planFanout, type FanoutPlan } from '@market-stream/fanout';
 *
 * const plan: FanoutPlan = planFanout({ connections: 500, tradesPerSecond: 50, symbolsPerConnection: 5, flushIntervalMs: 100 });
 * ```
 */
export interface FanoutPlan {
  /** `@connections` (PostToConnection) requests per second. */
  connectionsApi: {
    /** With per-connection batching (this library): one request per connection per window with updates, plus pongs. */
    requestsPerSecond: number;
    /** The per-trade-per-connection design, for comparison. */
    naiveRequestsPerSecond: number;
    /** The account limit they count against. */
    limit: number;
    /** `requestsPerSecond / limit`. */
    utilisation: number;
  };
  /** Billed WebSocket messages per month (32 KB increments, both directions). */
  messagesPerMonth: number;
  /** Average size of a `trades` message, bytes. */
  averageMessageBytes: number;
  /** Connection minutes per month. */
  connectionMinutesPerMonth: number;
  /** Serverless topology, USD per month. */
  serverless: {
    monthlyUsd: number;
    apiGatewayMessages: number;
    connectionMinutes: number;
    lambda: number;
    dynamodb: number;
    dataTransfer: number;
    /** Whether the `@connections` rate stays under the account limit. */
    withinLimit: boolean;
  };
  /** Container topology, USD per month. */
  containers: {
    monthlyUsd: number;
    nodes: number;
    fargate: number;
    loadBalancer: number;
    dataTransfer: number;
  };
  /** The cheaper topology that fits the limits. */
  recommendation: FanoutTopology;
  /** Why, in one or two sentences. */
  reason: string;
  /**
   * Smallest connection count (same traffic per connection) at which serverless stops being
   * the better choice, or `undefined` if it never is below 10 million.
   */
  switchToContainersAtConnections: number | undefined;
}

const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const DEFAULT_SIZING: ContainerSizing = {
  vcpu: 1,
  memoryGb: 2,
  connectionsPerNode: 10_000,
  messagesPerSecondPerNode: 50_000,
  minNodes: 2,
};

/**
 * Estimates what a fan-out workload costs and whether it fits API Gateway's limits, for the
 * serverless topology (API Gateway WebSocket + Lambda + DynamoDB) and the container topology
 * (Fargate nodes behind an ALB), so you can see when to switch.
 *
 * Model: trades spread evenly (Poisson) over `symbols`; a connection gets one message per
 * window in which any of its symbols traded; every message is one PostToConnection and is
 * billed in 32 KB increments; clients ping every `pingIntervalSeconds` (a message in, a pong
 * out); each connection reconnects every 2 hours (API Gateway's limit). Lambda: one processor
 * invocation per window (512 MB, 30 ms + 20 ms per 32 concurrent sends); DynamoDB on demand.
 * Containers: `max(minNodes, connections / connectionsPerNode, messages/s /
 * messagesPerSecondPerNode)` nodes. Estimates for planning, not a quote: prices from
 * {@link PRICE_TABLE}, free tiers ignored.
 *
 * @param options - Workload and sizing; see {@link PlanFanoutOptions}.
 * @returns Rates, monthly volumes, costs per topology and a recommendation.
 * @throws RangeError when a count or rate is negative or not finite, or the window is not positive.
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
 * ```
 */
export function planFanout(options: PlanFanoutOptions): FanoutPlan {
  validate(options);
  const plan = estimate(options);
  let switchAt: number | undefined;
  if (!serverlessWins(plan)) switchAt = options.connections;
  else {
    let low = options.connections;
    let high = 10_000_000;
    if (serverlessWins(estimate({ ...options, connections: high }))) switchAt = undefined;
    else {
      while (high - low > Math.max(1, low * 0.001)) {
        const middle = Math.floor((low + high) / 2);
        if (serverlessWins(estimate({ ...options, connections: middle }))) low = middle;
        else high = middle;
      }
      switchAt = high;
    }
  }
  return { ...plan, switchToContainersAtConnections: switchAt };
}

function serverlessWins(plan: Omit<FanoutPlan, 'switchToContainersAtConnections'>): boolean {
  return plan.recommendation === 'serverless';
}

function estimate(options: PlanFanoutOptions): Omit<FanoutPlan, 'switchToContainersAtConnections'> {
  const prices = options.prices ?? PRICE_TABLE;
  const sizing = { ...DEFAULT_SIZING, ...options.container };
  const { connections, tradesPerSecond } = options;
  const symbols = options.symbols ?? Math.max(20, options.symbolsPerConnection);
  const perConnection = Math.min(options.symbolsPerConnection, symbols);
  const window = options.flushIntervalMs / 1000;
  const tradeBytes = options.tradeBytes ?? 120;
  const pingEvery = options.pingIntervalSeconds ?? 300;
  const shards = options.shards ?? 16;
  const limit = prices.limits.connectionsRequestsPerSecond.value;

  // Poisson: chance a symbol trades in a window, and that any of a connection's symbols does.
  const perSymbolPerWindow = (tradesPerSecond / symbols) * window;
  const symbolTrades = 1 - Math.exp(-perSymbolPerWindow);
  const anyTrades = 1 - Math.exp(-perSymbolPerWindow * perConnection);
  const tradesMessagesPerSecond = anyTrades > 0 ? (connections * anyTrades) / window : 0;
  const pongsPerSecond = connections / pingEvery;
  const requestsPerSecond = tradesMessagesPerSecond + pongsPerSecond;
  const naiveRequestsPerSecond = (tradesPerSecond * connections * perConnection) / symbols;

  const tradesPerMessage =
    anyTrades > 0
      ? options.mode === 'all'
        ? (perConnection * perSymbolPerWindow) / anyTrades
        : (perConnection * symbolTrades) / anyTrades
      : 0;
  const averageMessageBytes = 28 + tradesPerMessage * tradeBytes;
  const billedUnits = Math.max(1, Math.ceil(averageMessageBytes / prices.limits.frameBytes.value));
  const messagesPerMonth =
    (tradesMessagesPerSecond * billedUnits + 2 * pongsPerSecond) * SECONDS_PER_MONTH;
  const connectionMinutesPerMonth = connections * HOURS_PER_MONTH * 60;

  // Serverless.
  const firstTier = Math.min(messagesPerMonth, 1e9);
  const apiGatewayMessages =
    (firstTier / 1e6) * prices.apiGateway.messagesPerMillion.value +
    ((messagesPerMonth - firstTier) / 1e6) * prices.apiGateway.messagesPerMillionOver1B.value;
  const connectionMinutes =
    (connectionMinutesPerMonth / 1e6) * prices.apiGateway.connectionMinutesPerMillion.value;
  const reconnectsPerSecond = connections / (prices.limits.connectionDurationHours.value * 3600);
  const processorPerSecond = 1 / window;
  const processorSeconds = 0.03 + (tradesMessagesPerSecond * window * 0.02) / 32;
  const handlerPerSecond = pongsPerSecond + 2 * reconnectsPerSecond;
  const lambdaGbSeconds =
    (processorPerSecond * processorSeconds + handlerPerSecond * 0.02) * 0.5 * SECONDS_PER_MONTH;
  const lambda =
    (((processorPerSecond + handlerPerSecond) * SECONDS_PER_MONTH) / 1e6) *
      prices.lambda.requestsPerMillion.value +
    lambdaGbSeconds * prices.lambda.gbSecond.value;
  const readUnitsPerQuery = Math.max(1, Math.ceil(((connections / shards) * 150) / 8192));
  const readUnitsPerSecond = (shards * readUnitsPerQuery) / Math.max(window, 1);
  const writeUnitsPerSecond =
    2 * reconnectsPerSecond + Math.min(symbols, tradesPerSecond * window) / window;
  const dynamodb =
    ((readUnitsPerSecond * SECONDS_PER_MONTH) / 1e6) *
      prices.dynamodb.readRequestUnitsPerMillion.value +
    ((writeUnitsPerSecond * SECONDS_PER_MONTH) / 1e6) *
      prices.dynamodb.writeRequestUnitsPerMillion.value;
  const gigabytesOut = (tradesMessagesPerSecond * averageMessageBytes * SECONDS_PER_MONTH) / 1e9;
  const dataTransfer = gigabytesOut * prices.dataTransfer.outPerGb.value;
  const withinLimit = requestsPerSecond <= limit;
  const serverlessUsd = apiGatewayMessages + connectionMinutes + lambda + dynamodb + dataTransfer;

  // Containers.
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
    reconnectsPerSecond / 25,
    connections / 3000,
    (tradesMessagesPerSecond * averageMessageBytes * 3600) / 1e9,
  );
  const loadBalancer = (prices.alb.hour.value + lcus * prices.alb.lcuHour.value) * HOURS_PER_MONTH;
  const containersUsd = fargate + loadBalancer + dataTransfer;

  const recommendation: FanoutTopology =
    withinLimit && serverlessUsd <= containersUsd ? 'serverless' : 'containers';
  const current = options.topology;
  const verdict =
    current === undefined
      ? ''
      : current === recommendation
        ? ` Stay on ${current}.`
        : ` Switch to ${recommendation}.`;
  const reason = !withinLimit
    ? `${round(requestsPerSecond)} @connections requests/s exceed the account limit of ${limit}/s.${verdict}`
    : `${recommendation} costs about $${round(Math.min(serverlessUsd, containersUsd))}/month against $${round(
        Math.max(serverlessUsd, containersUsd),
      )} (${round(100 * (requestsPerSecond / limit))}% of the @connections limit).${verdict}`;

  return {
    connectionsApi: {
      requestsPerSecond,
      naiveRequestsPerSecond,
      limit,
      utilisation: requestsPerSecond / limit,
    },
    messagesPerMonth,
    averageMessageBytes,
    connectionMinutesPerMonth,
    serverless: {
      monthlyUsd: serverlessUsd,
      apiGatewayMessages,
      connectionMinutes,
      lambda,
      dynamodb,
      dataTransfer,
      withinLimit,
    },
    containers: { monthlyUsd: containersUsd, nodes, fargate, loadBalancer, dataTransfer },
    recommendation,
    reason,
  };
}

function validate(options: PlanFanoutOptions): void {
  for (const name of ['connections', 'tradesPerSecond', 'symbolsPerConnection'] as const) {
    const value = options[name];
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  if (!Number.isFinite(options.flushIntervalMs) || options.flushIntervalMs <= 0) {
    throw new RangeError(`flushIntervalMs must be > 0, got ${options.flushIntervalMs}`);
  }
  if (options.symbols !== undefined && !(options.symbols >= 1)) {
    throw new RangeError(`symbols must be ≥ 1, got ${options.symbols}`);
  }
}

function round(value: number): string {
  return value >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value.toFixed(value >= 10 ? 1 : 2);
}
