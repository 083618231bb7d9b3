import type { Bar, Trade } from '@market-stream/core';
import { ChartHistoryError } from './errors.js';

/** Where a chart's history comes from and what it asks for. */
export interface HistoryQuery {
  /** The bars route, e.g. `/api/bars`. */
  barsUrl: string;
  /** The trades route, e.g. `/api/trades`; empty to ask for no trades. */
  tradesUrl: string;
  symbol: string;
  interval: { name: string; ms: number };
  /** Bars asked for, and trades at most. */
  limit: number;
}

/** What a chart starts from: closed bars, then the trades of the interval still open. */
export interface History {
  bars: Bar[];
  /** Oldest first: the trades since the newest bar ended. */
  trades: Trade[];
}

/**
 * Asks the history API for a symbol's newest closed bars (`GET <barsUrl>?symbol=&interval=&limit=`)
 * and then for its trades since the newest bar ended (`GET <tradesUrl>?symbol=&from=&limit=`),
 * both newest first, as the local server and the deployed `HistoryApi` answer. The trades fill
 * the open bar, which the bars route leaves out; without bars they are asked from the start of
 * the current interval. More than `limit` trades since then: only the newest `limit` come.
 *
 * @throws {@link ChartHistoryError} when a request fails or an answer is not what was asked for.
 */
export async function loadHistory(query: HistoryQuery, signal: AbortSignal): Promise<History> {
  const { symbol, interval, limit } = query;
  const barsParams = { symbol, interval: interval.name, limit: String(limit) };
  const bars = await getArray(query.barsUrl, barsParams, isBar, signal);
  if (!query.tradesUrl) return { bars, trades: [] };
  const newest = bars.reduce((end, bar) => Math.max(end, bar.end), Number.NEGATIVE_INFINITY);
  const from = Number.isFinite(newest)
    ? newest
    : Math.floor(Date.now() / interval.ms) * interval.ms;
  const tradesParams = { symbol, from: String(from), limit: String(limit) };
  const trades = await getArray(query.tradesUrl, tradesParams, isTrade, signal);
  return { bars, trades: trades.sort((a, b) => a.seq - b.seq) };
}

async function getArray<T>(
  route: string,
  params: Record<string, string>,
  is: (value: unknown) => value is T,
  signal: AbortSignal,
): Promise<T[]> {
  const url = new URL(route, globalThis.location?.href);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (cause) {
    if (signal.aborted) throw cause;
    throw new ChartHistoryError(`history request failed: ${String(cause)}`, url.href, undefined, {
      cause,
    });
  }
  if (!response.ok) {
    throw new ChartHistoryError(`history answered ${response.status}`, url.href, response.status);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!Array.isArray(body) || !body.every(is)) {
    throw new ChartHistoryError(
      'history answer is not what was asked for',
      url.href,
      response.status,
    );
  }
  return body;
}

const numbers = (value: unknown, keys: string[]): boolean =>
  typeof value === 'object' &&
  value !== null &&
  keys.every((key) => Number.isFinite((value as Record<string, unknown>)[key]));

function isBar(value: unknown): value is Bar {
  return numbers(value, ['start', 'end', 'open', 'high', 'low', 'close', 'volume']);
}

function isTrade(value: unknown): value is Trade {
  return numbers(value, ['price', 'size', 'timestamp', 'seq']);
}
