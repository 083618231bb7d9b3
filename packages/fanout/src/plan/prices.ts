/**
 * One figure of {@link PRICE_TABLE}: the value, its unit, where it comes from and when it was
 * looked up.
 *
 * @example
 * ```ts
 * import type { PricedFigure } from '@market-stream/fanout';
 *
 * const figure: PricedFigure = {
 *   value: 0.25, unit: 'USD per million connection minutes',
 *   source: 'https://aws.amazon.com/api-gateway/pricing/', asOf: '2026-11-21',
 * };
 * ```
 */
export interface PricedFigure {
  /** The number. */
  value: number;
  /** What it counts. */
  unit: string;
  /** The page that states it. */
  source: string;
  /** When it was looked up (ISO date). */
  asOf: string;
  /** Conditions that change it (tiers, metering). */
  note?: string;
}

const API_GATEWAY_PRICING = 'https://aws.amazon.com/api-gateway/pricing/';
const API_GATEWAY_QUOTAS =
  'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html';
const WEBSOCKET_QUOTAS =
  'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html';
const AS_OF = '2026-11-21';
const KINESIS_CONSUMERS = 'https://docs.aws.amazon.com/streams/latest/dev/enhanced-consumers.html';
const LAMBDA_KINESIS = 'https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html';
const WEBSOCKET_METRICS =
  'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-logging.html';
const LAMBDA_METRICS = 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html';
const LATENCY_AS_OF = '2026-12-01';
const APPSYNC_PRICING = 'https://aws.amazon.com/appsync/pricing/';
const APPSYNC_QUOTAS = 'https://docs.aws.amazon.com/general/latest/gr/appsync.html';
const APPSYNC_METRICS = 'https://docs.aws.amazon.com/appsync/latest/eventapi/cw-metrics.html';
const EVENTS_AS_OF = '2026-12-01';
const PROPAGATION_TABLE =
  'the table "Differences between shared throughput consumer and enhanced fan-out consumer"; AWS gives averages only';

/**
 * The list prices (us-east-1, on-demand, no free tier, no Savings Plans), AWS limits and
 * latency figures {@link planFanout} uses: ONE table, each figure with its source and the date it
 * was looked up. The latency figures AWS does not publish (`lambdaProcessorMs`,
 * `connectionsPostRoundMs`, `appSyncPublishRoundMs`, `appSyncDeliveryMs`) are marked as this
 * model's assumptions in their `note`. Prices change — check the source pages before you rely on
 * a figure, or pass your own table to `planFanout({ prices })`.
 *
 * @example
 * ```ts
 * import { PRICE_TABLE } from '@market-stream/fanout';
 *
 * PRICE_TABLE.limits.connectionsRequestsPerSecond.value; // 10000
 * PRICE_TABLE.apiGateway.messagesPerMillion.value; // 1
 * PRICE_TABLE.appSyncEvents.connectionMinutesPerMillion.value; // 0.08
 * PRICE_TABLE.latency.kinesisEnhancedFanOutMs.value; // 70
 * ```
 */
export const PRICE_TABLE = {
  region: 'us-east-1',
  apiGateway: {
    messagesPerMillion: {
      value: 1.0,
      unit: 'USD per million WebSocket messages (sent or received), first 1 billion per month',
      source: API_GATEWAY_PRICING,
      asOf: AS_OF,
      note: 'metered in 32 KB increments: a 33 KB message bills as 2',
    },
    messagesPerMillionOver1B: {
      value: 0.8,
      unit: 'USD per million WebSocket messages beyond 1 billion per month',
      source: API_GATEWAY_PRICING,
      asOf: AS_OF,
    },
    connectionMinutesPerMillion: {
      value: 0.25,
      unit: 'USD per million connection minutes',
      source: API_GATEWAY_PRICING,
      asOf: AS_OF,
    },
  },
  appSyncEvents: {
    operationsPerMillion: {
      value: 1.0,
      unit: 'USD per million Event API operations: events published (inbound), events delivered to each subscriber (outbound), connects, subscribe requests, client pings',
      source: APPSYNC_PRICING,
      asOf: EVENTS_AS_OF,
      note: "the Price List's usage type EventAPI-Operation; metered in 5 KB increments (limits.eventsMeteringBytes): an event of 6 KB delivered to one subscriber is 2 operations; the server's own `ka` keep-alives are not counted by this model",
    },
    connectionMinutesPerMillion: {
      value: 0.08,
      unit: 'USD per million Event API connection minutes',
      source: APPSYNC_PRICING,
      asOf: EVENTS_AS_OF,
      note: 'data out is charged at the EC2 data transfer rate (dataTransfer.outPerGb), as for the other topologies',
    },
  },
  lambda: {
    requestsPerMillion: {
      value: 0.2,
      unit: 'USD per million invocations',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: AS_OF,
    },
    gbSecond: {
      value: 0.0000166667,
      unit: 'USD per GB-second (x86)',
      source: 'https://aws.amazon.com/lambda/pricing/',
      asOf: AS_OF,
    },
  },
  dynamodb: {
    writeRequestUnitsPerMillion: {
      value: 0.625,
      unit: 'USD per million on-demand write request units (1 KB each)',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      asOf: AS_OF,
      note: 'after the November 2024 on-demand price reduction',
    },
    readRequestUnitsPerMillion: {
      value: 0.125,
      unit: 'USD per million on-demand read request units (4 KB strongly, 8 KB eventually consistent)',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      asOf: AS_OF,
    },
  },
  fargate: {
    vcpuHour: {
      value: 0.04048,
      unit: 'USD per vCPU-hour (Linux/x86)',
      source: 'https://aws.amazon.com/fargate/pricing/',
      asOf: AS_OF,
    },
    gbHour: {
      value: 0.004445,
      unit: 'USD per GB-hour of memory (Linux/x86)',
      source: 'https://aws.amazon.com/fargate/pricing/',
      asOf: AS_OF,
    },
  },
  alb: {
    hour: {
      value: 0.0225,
      unit: 'USD per Application Load Balancer-hour',
      source: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
      asOf: AS_OF,
    },
    lcuHour: {
      value: 0.008,
      unit: 'USD per LCU-hour',
      source: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
      asOf: AS_OF,
      note: 'one LCU: 25 new connections/s, 3,000 active connections/min, 1 GB/h processed, 1,000 rule evaluations/s — the highest dimension bills',
    },
  },
  dataTransfer: {
    outPerGb: {
      value: 0.09,
      unit: 'USD per GB out to the internet (first 10 TB/month tier)',
      source: 'https://aws.amazon.com/ec2/pricing/on-demand/',
      asOf: AS_OF,
      note: 'applies alike to API Gateway and to load balancer traffic',
    },
  },
  latency: {
    kinesisPollingOneConsumerMs: {
      value: 200,
      unit: 'ms average propagation delay (PutRecords to GetRecords) with one polling consumer of the stream',
      source: KINESIS_CONSUMERS,
      asOf: LATENCY_AS_OF,
      note: PROPAGATION_TABLE,
    },
    kinesisPollingFiveConsumersMs: {
      value: 1_000,
      unit: 'ms average propagation delay (PutRecords to GetRecords) with five polling consumers of the stream',
      source: KINESIS_CONSUMERS,
      asOf: LATENCY_AS_OF,
      note: PROPAGATION_TABLE,
    },
    kinesisEnhancedFanOutMs: {
      value: 70,
      unit: 'ms average propagation delay (PutRecords to SubscribeToShard) per enhanced fan-out consumer, one consumer or five',
      source: KINESIS_CONSUMERS,
      asOf: LATENCY_AS_OF,
      note: PROPAGATION_TABLE,
    },
    lambdaStandardPollIntervalMs: {
      value: 1_000,
      unit: 'ms between polls of each shard by a Lambda event source mapping with a standard iterator',
      source: LAMBDA_KINESIS,
      asOf: LATENCY_AS_OF,
      note: '"polls each shard … at a base rate of once per second" (also in the DynamoDB guide, CostOptimization_StreamsUsage); through an enhanced fan-out consumer, records are pushed over HTTP/2 instead',
    },
    lambdaProcessorMs: {
      value: 30,
      unit: 'ms of one processor invocation before its first send (start, the shard Query)',
      source: LAMBDA_METRICS,
      asOf: LATENCY_AS_OF,
      note: "this model's assumption, not an AWS figure (AWS publishes none): measure yours with the processor's Duration metric; it also prices the processor's GB-seconds",
    },
    connectionsPostRoundMs: {
      value: 20,
      unit: 'ms per round of concurrent PostToConnection requests from the processor',
      source: WEBSOCKET_METRICS,
      asOf: LATENCY_AS_OF,
      note: "this model's assumption, not an AWS figure: AWS publishes no @connections latency (IntegrationLatency is suppressed for callbacks); it also prices the processor's GB-seconds",
    },
    appSyncPublishRoundMs: {
      value: 20,
      unit: 'ms per round of concurrent HTTP publish requests from the events processor to AppSync Events',
      source: APPSYNC_METRICS,
      asOf: EVENTS_AS_OF,
      note: "this model's assumption, not an AWS figure: the Event API's Latency metric measures each publish request — measure yours with it; it also prices the processor's GB-seconds",
    },
    appSyncDeliveryMs: {
      value: 50,
      unit: 'ms average from an accepted publish to AppSync Events sending the event to a subscriber',
      source: APPSYNC_METRICS,
      asOf: EVENTS_AS_OF,
      note: "this model's assumption, not an AWS figure: AWS publishes no fan-out delay for Event APIs (their metrics count events and connections, with no delivery latency)",
    },
  },
  limits: {
    connectionsRequestsPerSecond: {
      value: 10_000,
      unit: 'requests per second per account and Region, shared by REST, HTTP, WebSocket and @connections callback APIs',
      source: API_GATEWAY_QUOTAS,
      asOf: AS_OF,
      note: 'burst bucket of 5,000; can be raised on request; 2,500 in some newer Regions',
    },
    newConnectionsPerSecond: {
      value: 500,
      unit: 'new WebSocket connections per second per account and Region',
      source: WEBSOCKET_QUOTAS,
      asOf: AS_OF,
    },
    messagePayloadBytes: {
      value: 128 * 1024,
      unit: 'bytes per WebSocket message',
      source: WEBSOCKET_QUOTAS,
      asOf: AS_OF,
    },
    frameBytes: {
      value: 32 * 1024,
      unit: 'bytes per WebSocket frame (also the billing increment)',
      source: WEBSOCKET_QUOTAS,
      asOf: AS_OF,
    },
    connectionDurationHours: {
      value: 2,
      unit: 'hours a WebSocket connection may last',
      source: WEBSOCKET_QUOTAS,
      asOf: AS_OF,
    },
    idleTimeoutMinutes: {
      value: 10,
      unit: 'minutes without traffic before API Gateway closes a connection',
      source: WEBSOCKET_QUOTAS,
      asOf: AS_OF,
    },
    eventsInboundPerSecond: {
      value: 10_000,
      unit: 'inbound (published) events per second per Event API, metered in 5 KB units',
      source: APPSYNC_QUOTAS,
      asOf: EVENTS_AS_OF,
      note: 'adjustable on request',
    },
    eventsOutboundPerSecond: {
      value: 1_000_000,
      unit: 'outbound (delivered) events per second per Event API, metered in 5 KB units',
      source: APPSYNC_QUOTAS,
      asOf: EVENTS_AS_OF,
      note: 'adjustable on request',
    },
    eventsConnectRequestsPerSecond: {
      value: 2_000,
      unit: 'Event API WebSocket connect requests per second per account and Region',
      source: APPSYNC_QUOTAS,
      asOf: EVENTS_AS_OF,
      note: 'adjustable on request',
    },
    eventsSubscriptionsPerConnection: {
      value: 200,
      unit: 'channel subscriptions per Event API WebSocket connection',
      source: APPSYNC_QUOTAS,
      asOf: EVENTS_AS_OF,
      note: 'adjustable on request; this library subscribes one channel per symbol',
    },
    eventBytes: {
      value: 240 * 1024,
      unit: 'bytes per event (UTF-8), published or delivered',
      source: APPSYNC_QUOTAS,
      asOf: EVENTS_AS_OF,
    },
    eventsPerPublish: {
      value: 5,
      unit: 'events per publish request (one channel per request)',
      source: APPSYNC_QUOTAS,
      asOf: EVENTS_AS_OF,
    },
    eventsMeteringBytes: {
      value: 5 * 1024,
      unit: 'bytes per metered Event API operation (an event is metered in 5 KB increments)',
      source: APPSYNC_QUOTAS,
      asOf: EVENTS_AS_OF,
      note: "the quotas' inbound and outbound rates count 5 KB units; the model bills operations in the same units",
    },
    enhancedFanOutConsumersPerStream: {
      value: 20,
      unit: 'enhanced fan-out consumers registered per Kinesis data stream',
      source: KINESIS_CONSUMERS,
      asOf: EVENTS_AS_OF,
      note: 'each container node reading by push is one consumer, so one stream feeds at most 20 pushed nodes',
    },
  },
} as const satisfies {
  region: string;
  [group: string]: string | Record<string, PricedFigure>;
};

/**
 * The shape of {@link PRICE_TABLE}, for passing your own figures to `planFanout`.
 *
 * @example
 * ```ts
 * import { PRICE_TABLE, type PriceTable } from '@market-stream/fanout';
 *
 * const discounted: PriceTable = {
 *   ...PRICE_TABLE,
 *   fargate: { ...PRICE_TABLE.fargate, vcpuHour: { ...PRICE_TABLE.fargate.vcpuHour, value: 0.03 } },
 * };
 * ```
 */
export type PriceTable = {
  [Group in keyof typeof PRICE_TABLE]: (typeof PRICE_TABLE)[Group] extends string
    ? string
    : { [Key in keyof (typeof PRICE_TABLE)[Group]]: PricedFigure };
};
