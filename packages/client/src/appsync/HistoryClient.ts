import { type Trade, validateTrade } from '@market-stream/core';

/** What the adapter needs of the history API. */
export interface HistorySettings {
  historyUrl: string;
  fetch: typeof globalThis.fetch;
  concurrency: number;
  timeoutMs: number;
}

/**
 * Reads the newest trades of a symbol from the history API (`GET {historyUrl}?symbol=X&limit=N`,
 * newest first), with at most `concurrency` requests in flight (the rest wait in a queue no
 * longer than the symbols asked for) and each request cut at `timeoutMs` or when its
 * connection's signal aborts.
 */
export class HistoryClient {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly settings: HistorySettings) {}

  /**
   * The newest `limit` trades of `symbol` in `seq` order (oldest first), invalid entries and
   * other symbols left out. Rejects on a network error, a timeout, an abort or a status other
   * than 200.
   */
  async newest(symbol: string, limit: number, signal: AbortSignal): Promise<Trade[]> {
    if (this.active >= this.settings.concurrency) {
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.active++;
    try {
      signal.throwIfAborted();
      return await this.request(symbol, limit, signal);
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }

  private async request(symbol: string, limit: number, signal: AbortSignal): Promise<Trade[]> {
    const base = (globalThis as { location?: { href: string } }).location?.href;
    const url = new URL(this.settings.historyUrl, base);
    url.searchParams.set('symbol', symbol);
    url.searchParams.set('limit', String(limit));
    const request = new AbortController();
    const abort = () => request.abort();
    const timer = setTimeout(abort, this.settings.timeoutMs);
    signal.addEventListener('abort', abort);
    try {
      const response = await this.settings.fetch(url, { signal: request.signal });
      if (response.status !== 200) throw new Error(`history answered ${response.status}`);
      const body: unknown = await response.json();
      if (!Array.isArray(body)) throw new Error('history did not answer an array');
      const trades: Trade[] = [];
      for (const entry of body) {
        const result = validateTrade(entry);
        if (result.ok && result.trade.symbol === symbol) trades.push(result.trade);
      }
      return trades.sort((a, b) => a.seq - b.seq);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    }
  }
}
