import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Bar, toBars } from '@market-stream/core';
import {
  type HistoryQuery,
  InvalidHistoryQueryError,
  parseHistoryQuery,
  queryBars,
  queryTrades,
} from '@market-stream/sinks';
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

function json(statusCode: number, body: unknown): Response {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/**
 * The HTTP API handler behind `GET /api/trades` and `GET /api/bars`: validates the query, reads
 * the history table with Query (never Scan) and answers JSON arrays — trades newest first, bars
 * newest first. The query is read by sinks' `parseHistoryQuery` (the one reading shared with
 * the local server: its interval set `HISTORY_INTERVALS`, a 400 `InvalidHistoryQueryError` for
 * bad input). Bars stored by `toDynamo({ bars })` are served as they are; otherwise they are
 * computed from the raw trades of the window (at most `DEFAULTS.historyApi.maxBarTrades` of
 * them, so memory stays bounded).
 */
export function createHistoryHandler(options: HistoryHandlerOptions) {
  const { client, tableName } = options;
  const now = options.now ?? Date.now;
  const limits = DEFAULTS.historyApi;
  return async (event: APIGatewayProxyEventV2): Promise<Response> => {
    let query: HistoryQuery;
    try {
      query = parseHistoryQuery(
        event.rawPath.endsWith('/bars') ? 'bars' : 'trades',
        event.queryStringParameters ?? {},
        limits,
      );
    } catch (error) {
      if (!(error instanceof InvalidHistoryQueryError)) throw error;
      return json(error.status, { error: { code: error.code, message: error.message } });
    }
    const { symbol, from: fromMs, to: toMs, limit: barLimit } = query;
    if (query.intervalMs === undefined) {
      const trades = await queryTrades({
        client,
        tableName,
        symbol,
        from: fromMs,
        to: toMs,
        limit: query.limit,
      });
      return json(200, trades);
    }
    const interval = query.intervalMs;
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
