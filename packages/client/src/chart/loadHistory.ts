import type { Bar } from '@market-stream/core';
import { ChartHistoryError } from './errors.js';

/**
 * Asks the history API for a symbol's newest closed bars (`GET <url>?symbol=&interval=&limit=`,
 * newest first, as the local server and the deployed `HistoryApi` answer).
 *
 * @throws {@link ChartHistoryError} when the request fails or the answer is not an array of bars.
 */
export async function loadHistory(
  historyUrl: string,
  query: { symbol: string; interval: string; limit: number },
  signal: AbortSignal,
): Promise<Bar[]> {
  const url = new URL(historyUrl, globalThis.location?.href);
  url.searchParams.set('symbol', query.symbol);
  url.searchParams.set('interval', query.interval);
  url.searchParams.set('limit', String(query.limit));
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
  if (!Array.isArray(body) || !body.every(isBar)) {
    throw new ChartHistoryError(
      'history answer is not an array of bars',
      url.href,
      response.status,
    );
  }
  return body;
}

function isBar(value: unknown): value is Bar {
  const bar = value as Partial<Bar> | null;
  return (
    typeof bar === 'object' &&
    bar !== null &&
    ['start', 'end', 'open', 'high', 'low', 'close', 'volume'].every((key) =>
      Number.isFinite(bar[key as keyof Bar]),
    )
  );
}
