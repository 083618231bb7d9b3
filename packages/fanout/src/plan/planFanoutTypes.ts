import type { DeliveryMode } from '../types.js';
import type { PriceTable } from './prices.js';

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
 * Options of {@link planFanout}. The defaults of the optional fields are `PLAN_DEFAULTS`.
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
   * @default 16 (the serverless deployment's `SERVERLESS_DEFAULTS.shards`)
   */
  shards?: number;
  /** Container sizing; see the defaults on each field (`PLAN_DEFAULTS.container`). */
  container?: Partial<ContainerSizing>;
  /**
   * How each topology reads the stream, for the latency estimate: `push` through enhanced
   * fan-out consumers (the Lambda processor through its own consumer, each container node
   * through one of its own), `poll` with GetRecords (the Lambda standard iterator; each node a
   * polling consumer). Enhanced fan-out's own charges are not in the costs.
   * @default 'push' (`PLAN_DEFAULTS.streamRead`)
   */
  streamRead?: 'push' | 'poll';
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
    /**
     * Modelled trade-to-send latency, ms: the stream to the processor (pushed ~70 ms, or the
     * standard iterator's once-a-second poll), the processor, then its rounds of
     * PostToConnection. The client's own network leg is not included.
     */
    latency: {
      /** Sum of the stages' p50. */
      p50Ms: number;
      /** Sum of the stages' p99: above the p99 of the sum, as worst cases rarely coincide. */
      p99Ms: number;
      /** The stages in the order a trade passes them. */
      stages: Array<{ stage: string; p50Ms: number; p99Ms: number }>;
    };
  };
  /** Container topology, USD per month. */
  containers: {
    monthlyUsd: number;
    nodes: number;
    fargate: number;
    loadBalancer: number;
    dataTransfer: number;
    /**
     * Modelled trade-to-send latency, ms: the stream to each node (pushed ~70 ms, or polled
     * with every node a consumer: ~200 ms with one, ~1 s with five), then the wait for the
     * engine's flush window. The client's own network leg is not included.
     */
    latency: FanoutPlan['serverless']['latency'];
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
