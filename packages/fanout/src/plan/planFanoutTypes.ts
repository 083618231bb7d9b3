import type { DeliveryMode } from '../types.js';
import type { PriceTable } from './prices.js';

/**
 * The three fan-out topologies: `serverless` (API Gateway WebSocket API, Lambda, DynamoDB),
 * `containers` (fan-out nodes on Fargate behind a load balancer) and `events` (AWS AppSync
 * Events: the processor publishes one event per symbol channel, AppSync delivers it to every
 * subscriber).
 *
 * @example
 * ```ts
 * import type { FanoutTopology } from '@market-stream/fanout';
 *
 * const today: FanoutTopology = 'serverless';
 * ```
 */
export type FanoutTopology = 'serverless' | 'containers' | 'events';

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
   * The topologies the recommendation chooses from (every one is still estimated), e.g.
   * `['serverless', 'containers']` where AppSync Events is not an option.
   * @default ['serverless', 'containers', 'events'] (`PLAN_DEFAULTS.compare`)
   */
  compare?: readonly FanoutTopology[];
  /**
   * Distinct symbols trading (trades are assumed spread evenly over them).
   * @default max(20, symbolsPerConnection)
   */
  symbols?: number;
  /**
   * Delivery mode of the serverless and container topologies; `all` carries every trade, so
   * messages are larger. The `events` topology publishes every trade of a window (as `all`)
   * whatever the mode.
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
     * Whether the nodes fit one stream: read by push, each node is one of the stream's at most
     * 20 enhanced fan-out consumers; polled nodes always fit (their latency grows instead).
     */
    withinLimit: boolean;
    /**
     * Modelled trade-to-send latency, ms: the stream to each node (pushed ~70 ms, or polled
     * with every node a consumer: ~200 ms with one, ~1 s with five), then the wait for the
     * engine's flush window. The client's own network leg is not included.
     */
    latency: FanoutPlan['serverless']['latency'];
  };
  /**
   * AppSync Events operations per second (each metered in 5 KB units, `limits.eventsMeteringBytes`):
   * one event per symbol channel per window (split under 240 KB), delivered to every subscriber of
   * the channel.
   */
  eventsApi: {
    /** HTTP publish requests from the processor (one channel, up to 5 events each). */
    publishRequestsPerSecond: number;
    /** Inbound operations: events published. */
    inboundPerSecond: number;
    /** Outbound operations: events delivered, one per subscriber of the channel. */
    outboundPerSecond: number;
    /** Connects and subscribe requests (a connection and its channels every 2 hours). */
    connectionOperationsPerSecond: number;
    /** Every billed operation per month. */
    operationsPerMonth: number;
    /** Average size of one event (a `trades` message of one symbol), bytes. */
    averageEventBytes: number;
    /** The inbound limit per Event API, operations/s. */
    inboundLimit: number;
    /** The outbound limit per Event API, operations/s. */
    outboundLimit: number;
    /** The higher of `inboundPerSecond / inboundLimit` and `outboundPerSecond / outboundLimit`. */
    utilisation: number;
  };
  /** AppSync Events topology, USD per month. */
  events: {
    monthlyUsd: number;
    /** Event API operations (publishes, deliveries, connects, subscribes). */
    operations: number;
    connectionMinutes: number;
    /** The processor (one invocation per window, its rounds of publish requests). */
    lambda: number;
    dataTransfer: number;
    /**
     * Whether the inbound and outbound rates, the connect rate and the subscriptions per
     * connection (one per symbol) fit AppSync Events' default quotas.
     */
    withinLimit: boolean;
    /**
     * Modelled trade-to-send latency, ms: the stream to the processor, the processor, its rounds
     * of publish requests, then AppSync's fan-out to the subscriber. The client's own network leg
     * is not included.
     */
    latency: FanoutPlan['serverless']['latency'];
  };
  /** The cheapest topology of `compare` that fits its limits (`containers` when none does). */
  recommendation: FanoutTopology;
  /** Why, in one or two sentences. */
  reason: string;
  /**
   * Smallest connection count (same traffic per connection) at which serverless stops being
   * the better choice than containers (over the `@connections` limit, or dearer), or `undefined`
   * if it never is below 10 million.
   */
  switchToContainersAtConnections: number | undefined;
  /**
   * Per topology, the smallest connection count (same traffic per connection) at which it stops
   * fitting its limits, or `undefined` if it still fits at 10 million: serverless at the
   * `@connections` rate, containers at 20 pushed nodes per stream, events at AppSync's inbound or
   * outbound rate (0 when a connection subscribes to more channels than one connection may).
   */
  stopsFittingAtConnections: Record<FanoutTopology, number | undefined>;
}
