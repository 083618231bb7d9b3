import { PLAN_DEFAULTS } from '../defaults.js';
import { ENVELOPE_BYTES, SECONDS_PER_MONTH, type Traffic } from './estimateTraffic.js';
import type { PlanFanoutOptions } from './planFanoutTypes.js';
import type { PriceTable } from './prices.js';

/** Bytes of a `data` message around its event: `{"type":"data","id":"<uuid>","event":"…"}`. */
const DATA_FRAME_BYTES = 75;
/** Quotes a serialized trade carries (keys and the symbol), each escaped once inside `event`. */
const QUOTES_PER_TRADE = 16;
/** Quotes of the `trades` envelope, escaped the same way. */
const ENVELOPE_QUOTES = 6;

/** What the `events` topology publishes and AppSync Events delivers, before it is priced. */
export interface EventsTraffic {
  /** Events published per second (one per symbol per window with trades, split under 240 KB). */
  eventsPerSecond: number;
  /** HTTP publish requests per second (one channel, up to `eventsPerPublish` events each). */
  publishRequestsPerSecond: number;
  /** Publish requests one window's batch makes. */
  publishRequestsPerWindow: number;
  averageEventBytes: number;
  /** Connections subscribed to one symbol's channel. */
  subscribersPerChannel: number;
  /** `data` messages sent per second across every connection. */
  deliveriesPerSecond: number;
  /** Inbound operations per second (5 KB units). */
  inboundPerSecond: number;
  /** Outbound operations per second (5 KB units). */
  outboundPerSecond: number;
  /** Connect and subscribe requests per second. */
  connectionOperationsPerSecond: number;
  /** Connect requests per second. */
  connectsPerSecond: number;
  /** Channel subscriptions each connection holds. */
  subscriptionsPerConnection: number;
  operationsPerMonth: number;
  connectionMinutesPerMonth: number;
  /** Bytes of `data` messages sent per month, GB. */
  gigabytesOutPerMonth: number;
}

/**
 * Estimates the traffic of the `events` topology for a workload whose common figures
 * `estimateTraffic` already has: each window, the processor publishes one event per symbol that
 * traded (every trade of that window, in `seq` order, split into as few events as fit under
 * 240 KB), in publish requests of one channel and up to 5 events; AppSync delivers each event to
 * every connection subscribed to that symbol's channel (one subscription per symbol). Each
 * publish and each delivery is metered in 5 KB units; a connection connects and subscribes again
 * every `PLAN_DEFAULTS.eventsSessionHours`.
 *
 * @param options - The workload, already validated.
 * @param traffic - Its common figures (symbols, window, connections).
 * @param prices - The AppSync Events limits that shape the traffic (event size, metering unit).
 * @returns Rates per second and volumes per month.
 *
 * @example
 * ```ts
 * const events = estimateEventsTraffic(options, estimateTraffic(options, PRICE_TABLE), PRICE_TABLE);
 * events.outboundPerSecond;
 * ```
 */
export function estimateEventsTraffic(
  options: PlanFanoutOptions,
  traffic: Traffic,
  prices: PriceTable,
): EventsTraffic {
  const { connections, symbols, window, tradesPerSecond } = traffic;
  const limits = prices.limits;
  const tradeBytes = options.tradeBytes ?? PLAN_DEFAULTS.tradeBytes;
  const perConnection = Math.min(options.symbolsPerConnection, symbols);

  // Poisson: the chance a symbol trades in a window, and its trades when it does.
  const perSymbolPerWindow = (tradesPerSecond / symbols) * window;
  const symbolTrades = 1 - Math.exp(-perSymbolPerWindow);
  const tradesPerBatch = symbolTrades > 0 ? perSymbolPerWindow / symbolTrades : 0;
  const batchBytes = ENVELOPE_BYTES + tradesPerBatch * tradeBytes;
  const eventsPerBatch = Math.max(1, Math.ceil(batchBytes / limits.eventBytes.value));
  const averageEventBytes = batchBytes / eventsPerBatch;
  const unitsPerEvent = Math.max(
    1,
    Math.ceil(averageEventBytes / limits.eventsMeteringBytes.value),
  );
  const requestsPerBatch = Math.ceil(eventsPerBatch / limits.eventsPerPublish.value);

  const batchesPerSecond = (symbols * symbolTrades) / window;
  const eventsPerSecond = batchesPerSecond * eventsPerBatch;
  const subscribersPerChannel = (connections * perConnection) / symbols;
  const deliveriesPerSecond = eventsPerSecond * subscribersPerChannel;
  const inboundPerSecond = eventsPerSecond * unitsPerEvent;
  const outboundPerSecond = deliveriesPerSecond * unitsPerEvent;
  const connectsPerSecond = connections / (PLAN_DEFAULTS.eventsSessionHours * 3600);
  const connectionOperationsPerSecond = connectsPerSecond * (1 + perConnection);

  // The event travels as a JSON string inside the `data` message, its quotes escaped.
  const escapedBytes =
    averageEventBytes + (ENVELOPE_QUOTES + (tradesPerBatch / eventsPerBatch) * QUOTES_PER_TRADE);
  return {
    eventsPerSecond,
    publishRequestsPerSecond: batchesPerSecond * requestsPerBatch,
    publishRequestsPerWindow: batchesPerSecond * requestsPerBatch * window,
    averageEventBytes,
    subscribersPerChannel,
    deliveriesPerSecond,
    inboundPerSecond,
    outboundPerSecond,
    connectionOperationsPerSecond,
    connectsPerSecond,
    subscriptionsPerConnection: perConnection,
    operationsPerMonth:
      (inboundPerSecond + outboundPerSecond + connectionOperationsPerSecond) * SECONDS_PER_MONTH,
    connectionMinutesPerMonth: traffic.connectionMinutesPerMonth,
    gigabytesOutPerMonth:
      (deliveriesPerSecond * (escapedBytes + DATA_FRAME_BYTES) * SECONDS_PER_MONTH) / 1e9,
  };
}
