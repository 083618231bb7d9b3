import { DEFAULT_SYMBOLS } from '@market-stream/core';
import type { StreamReadMode } from './stream/StreamReadMode.js';

/**
 * Every default of the constructs, written once (plain values: the Lambda bundles import this
 * file too, so it must not pull in aws-cdk-lib). Durations are in the unit their name says.
 *
 * @example
 * ```ts
 * import { DEFAULTS } from '@market-stream/cdk-constructs';
 *
 * DEFAULTS.processor.batchSize; // 100
 * ```
 */
export const DEFAULTS = Object.freeze({
  /**
   * The tickers of the producer and the ticker page: the default ticker universe,
   * `DEFAULT_SYMBOLS` of `@market-stream/core` (20 symbols).
   */
  tickers: DEFAULT_SYMBOLS,
  /** Every construct creates its alarms; `alarms: false` turns them off. */
  alarms: true,
  /** API stages (the WebSocket fan-out's, the history API's) write JSON access logs. */
  accessLogs: true,
  stream: Object.freeze({
    /** Kinesis keeps records 24 hours (the cheapest retention). */
    retentionHours: 24,
    /** Alarm when the oldest unread record is older than this. */
    iteratorAgeAlarmMs: 60_000,
    /** Alarm when this many writes or reads are throttled in 5 minutes. */
    throttleAlarmCount: 1,
  }),
  history: Object.freeze({
    /** The TTL attribute the sinks' toDynamo writes (epoch seconds). */
    ttlAttribute: 'ttl',
  }),
  lambda: Object.freeze({
    /** CloudWatch Logs retention of every function, container and access log, in days. */
    logRetentionDays: 30,
    /**
     * The `lambda.Runtime` of every function: Node 24 is the newest runtime aws-cdk-lib knows
     * (cdk-nag AwsSolutions-L1); the bundles target Node 20, so any runtime from 20 up runs them.
     */
    runtime: 'NODEJS_24_X' as const,
  }),
  processor: Object.freeze({
    /**
     * The processor reads through an enhanced fan-out consumer: records by push (~70 ms), not
     * Lambda's once-per-second polling.
     */
    readMode: 'push' as StreamReadMode,
    batchSize: 100,
    /** 0 s: a ticker wants the trade now, not in a fuller batch later. */
    maxBatchingWindowSeconds: 0,
    retryAttempts: 3,
    parallelizationFactor: 1,
    /** Split a failing batch in two to isolate a poison record. */
    bisectBatchOnError: true,
    /** The `lambda.StartingPosition` on first deployment: a ticker wants new trades. */
    startingPosition: 'LATEST' as const,
    /** The processor sends to every connection shard itself. */
    shardBroadcaster: false,
    memoryMiB: 1024,
    timeoutSeconds: 60,
    /** SQS keeps failed-batch notices this long (the SQS maximum). */
    deadLetterRetentionDays: 14,
    /** A retried broadcast would arrive after newer batches, and clients drop older trades. */
    broadcasterRetryAttempts: 0,
    /** The shortest maximum event age Lambda allows for asynchronous invocations. */
    broadcasterMaxEventAgeSeconds: 60,
  }),
  fanout: Object.freeze({
    stageName: 'live',
    connectionShards: 16,
    mode: 'latest' as 'latest' | 'all',
    throttleRateLimit: 1000,
    throttleBurstLimit: 2000,
    handlerMemoryMiB: 512,
    handlerTimeoutSeconds: 10,
    /** Set the account's API Gateway CloudWatch role, which WebSocket access logs need. */
    createCloudWatchRole: true,
  }),
  events: Object.freeze({
    /**
     * The browsers' API key lives this many days from the deployment that (re)created it:
     * AppSync accepts 1–365 days, and the CDK computes the date at synth, so every deployment
     * pushes it a year ahead. Redeploy within the year, or pages are refused once it expires.
     */
    apiKeyExpiryDays: 365,
    /** The publisher waits on HTTP round trips, not CPU: a small function does. */
    memoryMiB: 512,
    /** Room for the publisher's retries with backoff (`EVENTS_PUBLISHER_DEFAULTS`) per batch. */
    timeoutSeconds: 60,
    /** Alarm when the publisher's last record of a batch is older than this (its IteratorAge). */
    iteratorAgeAlarmMs: 60_000,
    /** Alarm when the Event API answers this many HTTP 5XX in 5 minutes. */
    serverErrorAlarmCount: 1,
    /**
     * Alarm when the Event API answers this many HTTP 4XX (throttles and refused auth count
     * here: AppSync Events has no separate throttle metric) in 5 minutes.
     */
    clientErrorAlarmCount: 5,
  }),
  containers: Object.freeze({
    /**
     * Each fan-out node reads through an enhanced fan-out consumer of its own (2 MB/s per shard
     * each, ~70 ms), instead of sharing every shard's 5 GetRecords calls/s with the other nodes.
     */
    readMode: 'push' as StreamReadMode,
    port: 8080,
    webSocketPath: '/ws',
    healthCheckPath: '/healthz',
    cpu: 512,
    memoryMiB: 1024,
    minCapacity: 2,
    /** Reading by push, capped by the consumers the stream has free (20 per stream, less others'). */
    maxCapacity: 20,
    /**
     * Reading by push, a deployment stops old nodes before it starts new ones, half at a time, so
     * the tasks never hold more stream consumers than the desired count.
     */
    pushDeployment: Object.freeze({ minHealthyPercent: 50, maxHealthyPercent: 100 }),
    /** ALB idle timeout: the WebSocket ping interval must be shorter. */
    idleTimeoutSeconds: 300,
    /** New WebSocket connections per task per minute before scaling out. */
    targetRequestsPerTask: 1000,
    targetCpuPercent: 60,
    /** The scaling signal: new connections per task (see `FanoutScalingMetric`). */
    scaleOn: 'connections' as 'connections' | 'cpu',
    /** Long-lived WebSockets end at deregistration anyway; clients reconnect to another node. */
    deregistrationDelaySeconds: 30,
    /** The AWS-managed prefix list of CloudFront's origin-facing servers (default ALB ingress). */
    cloudFrontPrefixListName: 'com.amazonaws.global.cloudfront.origin-facing',
    /** What the load balancer answers for any path but the WebSocket path (e.g. `/metrics`). */
    notFoundStatusCode: 404,
  }),
  producer: Object.freeze({
    tradesPerSecond: 50,
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 1,
  }),
  historyApi: Object.freeze({
    memoryMiB: 256,
    timeoutSeconds: 10,
    tradesLimit: 50,
    barsLimit: 60,
    maxLimit: 1000,
    /** Bars computed on the fly read at most this many trades. */
    maxBarTrades: 10_000,
    throttleRateLimit: 100,
    throttleBurstLimit: 200,
  }),
  ingestApi: Object.freeze({
    memoryMiB: 256,
    /** Above the handler's 10 s write budget (`INGEST_DEFAULTS.writeTtlMs`), below API Gateway's 30 s. */
    timeoutSeconds: 15,
    throttleRateLimit: 50,
    throttleBurstLimit: 100,
    /** Alarm on 5xx answers: at least this many in 5 minutes. */
    serverErrorAlarmCount: 1,
    /** Dead letters are kept for replay this many days (SQS's longest). */
    deadLetterRetentionDays: 14,
  }),
  deadLetterReplay: Object.freeze({
    memoryMiB: 512,
    /** Five minutes a run; it stops receiving 30 s before (`REPLAY_HANDLER_DEFAULTS.stopMarginMs`). */
    timeoutSeconds: 300,
    /** The namespace of the Embedded Metric Format counts each run logs. */
    metricNamespace: 'MarketStream/DeadLetterReplay',
    /** `TickerSystem` adds one for the processor's on-failure queue: it costs nothing until invoked. */
    inTickerSystem: true,
  }),
  website: Object.freeze({
    /** The `cloudfront.PriceClass` of the distribution: North America and Europe. */
    priceClass: 'PRICE_CLASS_100' as const,
    /** The `RemovalPolicy` of the site bucket. */
    removalPolicy: 'RETAIN' as const,
  }),
  logs: Object.freeze({
    /** S3 access-log, CloudFront-log and ALB-log objects expire after this many days. */
    expirationDays: 90,
  }),
});
