import { EVENTS_PUBLISHER_DEFAULTS, SERVERLESS_DEFAULTS } from '../defaults.js';
import type { EventsTraffic } from './estimateEventsTraffic.js';
import type { Traffic } from './estimateTraffic.js';
import type { FanoutPlan, PlanFanoutOptions } from './planFanoutTypes.js';
import type { PriceTable } from './prices.js';

type LatencyEstimate = FanoutPlan['serverless']['latency'];
type LatencyStage = LatencyEstimate['stages'][number];
type StreamRead = NonNullable<PlanFanoutOptions['streamRead']>;

/**
 * Models the trade-to-send latency of the serverless topology from the figures of
 * `prices.latency`: the stream to the processor (enhanced fan-out's documented average, or a
 * wait for the standard iterator's next poll of the shard), the processor's own start, then the
 * round of concurrent PostToConnection requests that carries the connection's message (of
 * `messages per window / SERVERLESS_DEFAULTS.concurrency` rounds).
 *
 * @param traffic - What the workload sends.
 * @param read - How the processor reads the stream.
 * @param prices - The latency figures.
 * @returns p50 and p99 per stage and their sums, ms.
 *
 * @example
 * ```ts
 * estimateServerlessLatency(traffic, 'push', PRICE_TABLE).p99Ms;
 * ```
 */
export function estimateServerlessLatency(
  traffic: Traffic,
  read: StreamRead,
  prices: PriceTable,
): LatencyEstimate {
  const rounds = Math.max(
    1,
    Math.ceil((traffic.tradesMessagesPerSecond * traffic.window) / SERVERLESS_DEFAULTS.concurrency),
  );
  return sumOf(
    processorStages(
      read,
      prices,
      'PostToConnection',
      rounds,
      prices.latency.connectionsPostRoundMs.value,
    ),
  );
}

/**
 * Models the trade-to-send latency of the `events` topology from the figures of
 * `prices.latency`: the stream to the processor (as the serverless processor), the processor's
 * own start, the round of concurrent publish requests that carries the symbol's event (of
 * `publish requests per window / EVENTS_PUBLISHER_DEFAULTS.concurrency` rounds), then AppSync's
 * fan-out to the subscriber (`appSyncDeliveryMs`, an assumption: AWS publishes no figure).
 *
 * @param events - What the topology publishes.
 * @param read - How the processor reads the stream.
 * @param prices - The latency figures.
 * @returns p50 and p99 per stage and their sums, ms.
 *
 * @example
 * ```ts
 * estimateEventsLatency(events, 'push', PRICE_TABLE).p99Ms;
 * ```
 */
export function estimateEventsLatency(
  events: EventsTraffic,
  read: StreamRead,
  prices: PriceTable,
): LatencyEstimate {
  const rounds = Math.max(
    1,
    Math.ceil(events.publishRequestsPerWindow / EVENTS_PUBLISHER_DEFAULTS.concurrency),
  );
  return sumOf([
    ...processorStages(read, prices, 'publish', rounds, prices.latency.appSyncPublishRoundMs.value),
    averageWait('AppSync fan-out', prices.latency.appSyncDeliveryMs.value),
  ]);
}

/**
 * Models the trade-to-send latency of the container topology from the figures of
 * `prices.latency`: the stream to each node (enhanced fan-out's documented average, or the
 * polling average for as many consumers as there are nodes), then the wait for the engine's
 * flush window (`flushIntervalMs`) in progress.
 *
 * @param traffic - What the workload sends (its window is the engine's flush window).
 * @param nodes - Fan-out nodes; with `poll`, each one is a consumer of the stream.
 * @param read - How the nodes read the stream.
 * @param prices - The latency figures.
 * @returns p50 and p99 per stage and their sums, ms.
 *
 * @example
 * ```ts
 * estimateContainersLatency(traffic, 2, 'poll', PRICE_TABLE).p50Ms;
 * ```
 */
export function estimateContainersLatency(
  traffic: Traffic,
  nodes: number,
  read: StreamRead,
  prices: PriceTable,
): LatencyEstimate {
  const stream = streamStage('node', read, prices, (stage) =>
    averageWait(`${stage} (GetRecords, ${nodes} consumers)`, pollingAverageMs(nodes, prices)),
  );
  return sumOf([stream, uniformWait('flush window', traffic.window * 1000)]);
}

/**
 * The average propagation delay of a stream read by `consumers` polling consumers: Kinesis
 * documents ~200 ms with one and ~1,000 ms with five (they share each shard's 5 GetRecords
 * calls per second); between and beyond those two points the delay is taken as linear.
 *
 * @param consumers - Polling consumers of the stream.
 * @param prices - The latency figures.
 * @returns The average delay, ms.
 *
 * @example
 * ```ts
 * pollingAverageMs(3, PRICE_TABLE); // 600
 * ```
 */
export function pollingAverageMs(consumers: number, prices: PriceTable): number {
  const one = prices.latency.kinesisPollingOneConsumerMs.value;
  const five = prices.latency.kinesisPollingFiveConsumersMs.value;
  return one + ((five - one) * (Math.max(1, consumers) - 1)) / 4;
}

/** The stream stage into `reader`: enhanced fan-out's documented average by push, else `polled`. */
function streamStage(
  reader: string,
  read: StreamRead,
  prices: PriceTable,
  polled: (stage: string) => LatencyStage,
): LatencyStage {
  const stage = `stream → ${reader}`;
  return read === 'push'
    ? averageWait(`${stage} (enhanced fan-out)`, prices.latency.kinesisEnhancedFanOutMs.value)
    : polled(stage);
}

/** A wait spread evenly over `[0, spanMs]`: what a fixed poll interval or flush window gives. */
function uniformWait(stage: string, spanMs: number): LatencyStage {
  return { stage, p50Ms: spanMs / 2, p99Ms: 0.99 * spanMs };
}

/** A documented average read as an even spread over `[0, 2 × average]` (AWS gives averages only). */
function averageWait(stage: string, averageMs: number): LatencyStage {
  return uniformWait(stage, 2 * averageMs);
}

function sumOf(stages: LatencyStage[]): LatencyEstimate {
  return {
    p50Ms: stages.reduce((sum, stage) => sum + stage.p50Ms, 0),
    p99Ms: stages.reduce((sum, stage) => sum + stage.p99Ms, 0),
    stages,
  };
}

/**
 * The stages a Lambda stream processor adds, shared by the serverless and events topologies: the
 * stream to the processor, the processor's own start, and the round of `rounds` concurrent
 * requests (`roundMs` each) that carries the trade.
 */
function processorStages(
  read: StreamRead,
  prices: PriceTable,
  requests: string,
  rounds: number,
  roundMs: number,
): LatencyStage[] {
  const figures = prices.latency;
  const processorMs = figures.lambdaProcessorMs.value;
  return [
    streamStage('processor', read, prices, (stage) =>
      uniformWait(`${stage} (standard iterator)`, figures.lambdaStandardPollIntervalMs.value),
    ),
    { stage: 'processor', p50Ms: processorMs, p99Ms: processorMs },
    {
      stage: requests,
      p50Ms: Math.ceil(rounds / 2) * roundMs,
      p99Ms: Math.ceil(0.99 * rounds) * roundMs,
    },
  ];
}
