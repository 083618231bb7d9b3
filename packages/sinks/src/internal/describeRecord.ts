/**
 * How errors name a record: `symbol#seq` for a trade, else `fallback`.
 * @internal
 */
export function describeRecord(record: unknown, fallback: string): string {
  const trade = record as { symbol?: unknown; seq?: unknown } | null;
  return typeof trade?.symbol === 'string' && typeof trade.seq === 'number'
    ? `${trade.symbol}#${trade.seq}`
    : fallback;
}
