import type { Bar, Trade } from '@market-stream/core';

/**
 * Digits of the zero-padded numbers of a sort key, so they sort as text: 16 holds every safe
 * integer (a seq is one) and every ms timestamp.
 */
const PAD = 16;

/**
 * The sort key of a trade: its zero-padded seq. With `pk` = symbol, the item's key is a
 * function of `symbol#seq` alone (DESIGN's idempotency key), so a re-write of the same seq
 * (a retry, a replay, a duplicate with another timestamp) replaces its item instead of adding
 * a second one. Text order is seq order, which is time order at every source of this library.
 * @internal
 */
export function tradeSortKey(seq: number): string {
  return String(seq).padStart(PAD, '0');
}

/**
 * The partition key of one symbol's bars of one interval. `#` never appears in a symbol, so
 * bars never share a partition with trades.
 * @internal
 */
export function barPartitionKey(symbol: string, intervalMs: number): string {
  return `${symbol}#bars#${intervalMs}`;
}

/**
 * The sort key of a bar: its zero-padded start.
 * @internal
 */
export function barSortKey(start: number): string {
  return String(start).padStart(PAD, '0');
}

/**
 * The default DynamoDB item of a trade.
 * @internal
 */
export function tradeItem(trade: Trade, ttlSeconds: number | false): Record<string, unknown> {
  const item: Record<string, unknown> = {
    pk: trade.symbol,
    sk: tradeSortKey(trade.seq),
    symbol: trade.symbol,
    price: trade.price,
    size: trade.size,
    bid: trade.bid,
    ask: trade.ask,
    timestamp: trade.timestamp,
    seq: trade.seq,
  };
  // From the trade's time, not the write's, so a replayed trade writes the identical item.
  if (ttlSeconds !== false) item.ttl = Math.floor(trade.timestamp / 1000) + ttlSeconds;
  return item;
}

/**
 * The DynamoDB item of a bar.
 * @internal
 */
export function barItem(
  bar: Bar,
  intervalMs: number,
  ttlSeconds: number | false,
): Record<string, unknown> {
  const item: Record<string, unknown> = {
    pk: barPartitionKey(bar.symbol, intervalMs),
    sk: barSortKey(bar.start),
    ...bar,
  };
  if (ttlSeconds !== false) item.ttl = Math.floor(bar.end / 1000) + ttlSeconds;
  return item;
}

/**
 * A trade back from its default item.
 * @internal
 */
export function itemToTrade(item: Record<string, unknown>): Trade {
  return {
    symbol: item.symbol as string,
    price: item.price as number,
    size: item.size as number,
    bid: item.bid as number,
    ask: item.ask as number,
    timestamp: item.timestamp as number,
    seq: item.seq as number,
  };
}

/**
 * A bar back from its item.
 * @internal
 */
export function itemToBar(item: Record<string, unknown>): Bar {
  return {
    symbol: item.symbol as string,
    start: item.start as number,
    end: item.end as number,
    open: item.open as number,
    high: item.high as number,
    low: item.low as number,
    close: item.close as number,
    volume: item.volume as number,
    vwap: item.vwap as number,
    trades: item.trades as number,
  };
}
