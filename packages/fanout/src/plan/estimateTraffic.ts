import { PLAN_DEFAULTS } from '../defaults.js';
import type { PlanFanoutOptions } from './planFanoutTypes.js';
import type { PriceTable } from './prices.js';

/** Hours in the month every monthly figure of the plan is priced over. */
export const HOURS_PER_MONTH = 730;
/** Seconds in that month. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** Bytes of a `trades` message around its trades: `{"type":"trades","trades":[…]}`. */
export const ENVELOPE_BYTES = 28;

/** What a workload sends and receives, before any topology prices it. */
export interface Traffic {
  connections: number;
  tradesPerSecond: number;
  /** Distinct symbols trading. */
  symbols: number;
  /** The flush window, seconds. */
  window: number;
  /** `trades` messages (one PostToConnection each) per second across every connection. */
  tradesMessagesPerSecond: number;
  /** Pings in, and as many pongs out, per second. */
  pongsPerSecond: number;
  /** `@connections` requests per second: `trades` messages and pongs. */
  requestsPerSecond: number;
  /** The same with one request per trade per subscribed connection. */
  naiveRequestsPerSecond: number;
  averageMessageBytes: number;
  /** Billed messages (32 KB increments, both directions) per month. */
  messagesPerMonth: number;
  connectionMinutesPerMonth: number;
  /** Reconnects per second forced by the longest connection duration API Gateway allows. */
  reconnectsPerSecond: number;
  /** Bytes of `trades` messages sent per month, GB. */
  gigabytesOutPerMonth: number;
}

/**
 * Estimates the traffic of a workload. Trades are spread evenly (Poisson) over the symbols: a
 * connection gets one message per window in which any of its symbols traded, carrying in
 * `latest` mode the newest trade of each of those symbols, in `all` mode every trade.
 *
 * @param options - The workload, already validated.
 * @param prices - The limits that shape the traffic (message billing unit, connection duration).
 * @returns Rates per second and volumes per month.
 *
 * @example
 * ```ts
 * const traffic = estimateTraffic({ connections: 500, tradesPerSecond: 50, symbolsPerConnection: 5, flushIntervalMs: 100 }, PRICE_TABLE);
 * ```
 */
export function estimateTraffic(options: PlanFanoutOptions, prices: PriceTable): Traffic {
  const { connections, tradesPerSecond } = options;
  const symbols =
    options.symbols ?? Math.max(PLAN_DEFAULTS.minSymbols, options.symbolsPerConnection);
  const perConnection = Math.min(options.symbolsPerConnection, symbols);
  const window = options.flushIntervalMs / 1000;
  const tradeBytes = options.tradeBytes ?? PLAN_DEFAULTS.tradeBytes;
  const pingEvery = options.pingIntervalSeconds ?? PLAN_DEFAULTS.pingIntervalSeconds;
  const mode = options.mode ?? PLAN_DEFAULTS.mode;

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
      ? mode === 'all'
        ? (perConnection * perSymbolPerWindow) / anyTrades
        : (perConnection * symbolTrades) / anyTrades
      : 0;
  const averageMessageBytes = ENVELOPE_BYTES + tradesPerMessage * tradeBytes;
  const billedUnits = Math.max(1, Math.ceil(averageMessageBytes / prices.limits.frameBytes.value));

  return {
    connections,
    tradesPerSecond,
    symbols,
    window,
    tradesMessagesPerSecond,
    pongsPerSecond,
    requestsPerSecond,
    naiveRequestsPerSecond,
    averageMessageBytes,
    messagesPerMonth:
      (tradesMessagesPerSecond * billedUnits + 2 * pongsPerSecond) * SECONDS_PER_MONTH,
    connectionMinutesPerMonth: connections * HOURS_PER_MONTH * 60,
    reconnectsPerSecond: connections / (prices.limits.connectionDurationHours.value * 3600),
    gigabytesOutPerMonth: (tradesMessagesPerSecond * averageMessageBytes * SECONDS_PER_MONTH) / 1e9,
  };
}
