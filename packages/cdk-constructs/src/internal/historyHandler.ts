import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Bar, SYMBOL_PATTERN, toBars } from '@market-stream/core';
import { queryBars, queryTrades } from '@market-stream/sinks';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { from, lastValueFrom, toArray } from 'rxjs';
import { DEFAULTS } from '../defaults.js';

/** What {@link createHistoryHandler} needs. */
export interface HistoryHandlerOptions {
  /** The document client for the history table. */
  client: DynamoDBDocumentClient;
  /** The history table written by the processor. */
  tableName: string;
  /** The clock, for the default bar window. */
  now?: () => number;
}

type Response = APIGatewayProxyStructuredResultV2;

/**
 * Bar intervals the API accepts, spelled like the local server's `?interval=`. A Map, not an
 * object literal: `?interval=constructor` (or `__proto__`, `toString`) must not find
 * `Object.prototype`'s members.
 */
const INTERVALS: ReadonlyMap<string, number> = new Map([
  ['1m', 60_000],
  ['5m', 300_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['1d', 86_400_000],
]);

function json(statusCode: number, body: unknown): Response {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function badRequest(code: string, message: string): Response {
  return json(400, { error: { code, message } });
}

/** `undefined` when absent, `null` when not a whole number in [min, max]. */
function parseInteger(
  raw: string | undefined,
  min: number,
  max: number,
): number | null | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,16}$/.test(raw)) return null;
  const value = Number(raw);
  return value >= min && value <= max ? value : null;
}

/**
 * The HTTP API handler behind `GET /api/trades` and `GET /api/bars`: validates the query, reads
 * the history table with Query (never Scan) and answers JSON arrays — trades newest first, bars
 * newest first. Bars stored by `toDynamo({ bars })` are served as they are; otherwise they are
 * computed from the raw trades of the window (at most `DEFAULTS.historyApi.maxBarTrades` of
 * them, so memory stays bounded). Bad input gets a 400 with a reason.
 */
export function createHistoryHandler(options: HistoryHandlerOptions) {
  const { client, tableName } = options;
  const now = options.now ?? Date.now;
  const limits = DEFAULTS.historyApi;
  return async (event: APIGatewayProxyEventV2): Promise<Response> => {
    const query = event.queryStringParameters ?? {};
    const symbol = query.symbol ?? '';
    if (!SYMBOL_PATTERN.test(symbol)) {
      return badRequest('INVALID_SYMBOL', 'symbol must be a ticker like AAPL or BRK.B');
    }
    const fromMs = parseInteger(query.from, 0, Number.MAX_SAFE_INTEGER);
    const toMs = parseInteger(query.to, 0, Number.MAX_SAFE_INTEGER);
    if (fromMs === null || toMs === null) {
      return badRequest('INVALID_RANGE', 'from and to must be ms since the epoch');
    }
    const limit = parseInteger(query.limit, 1, limits.maxLimit);
    if (limit === null) {
      return badRequest('INVALID_LIMIT', `limit must be a whole number 1…${limits.maxLimit}`);
    }
    if (!event.rawPath.endsWith('/bars')) {
      const trades = await queryTrades({
        client,
        tableName,
        symbol,
        from: fromMs,
        to: toMs,
        limit: limit ?? limits.tradesLimit,
      });
      return json(200, trades);
    }

    const intervalName = query.interval ?? '1m';
    const interval = INTERVALS.get(intervalName);
    if (interval === undefined) {
      return badRequest(
        'INVALID_INTERVAL',
        `interval must be one of ${[...INTERVALS.keys()].join(', ')}`,
      );
    }
    const barLimit = limit ?? limits.barsLimit;
    const stored = await queryBars({
      client,
      tableName,
      symbol,
      interval,
      from: fromMs,
      to: toMs,
      limit: barLimit,
    });
    if (stored.length > 0) return json(200, stored);
    const end = toMs ?? now();
    const start = fromMs ?? Math.floor(end / interval) * interval - (barLimit - 1) * interval;
    const trades = await queryTrades({
      client,
      tableName,
      symbol,
      from: start,
      to: end,
      limit: limits.maxBarTrades,
    });
    const bars: Bar[] = await lastValueFrom(
      from(trades.reverse()).pipe(toBars(interval), toArray()),
    );
    return json(200, bars.reverse().slice(0, barLimit));
  };
}
