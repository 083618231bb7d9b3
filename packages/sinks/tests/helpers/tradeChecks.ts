import { type Trade, tradeKey } from '@market-stream/core';
import { Observable } from 'rxjs';

/** Emits `trades` in chunks, yielding to the event loop between chunks, like a live feed. */
export function paced(trades: readonly Trade[], chunk = 1_000): Observable<Trade> {
  return new Observable<Trade>((subscriber) => {
    let at = 0;
    let timer: NodeJS.Immediate | undefined;
    const pump = () => {
      const end = Math.min(at + chunk, trades.length);
      for (; at < end && !subscriber.closed; at++) subscriber.next(trades[at]!);
      if (at >= trades.length) subscriber.complete();
      else timer = setImmediate(pump);
    };
    timer = setImmediate(pump);
    return () => {
      if (timer) clearImmediate(timer);
    };
  });
}

/** Keys that arrived more than once, and keys of `expected` that never arrived. */
export function exactlyOnce(expected: readonly Trade[], arrived: readonly Trade[]) {
  const counts = new Map<string, number>();
  for (const trade of arrived) counts.set(tradeKey(trade), (counts.get(tradeKey(trade)) ?? 0) + 1);
  const duplicates = [...counts].filter(([, count]) => count > 1).map(([key]) => key);
  const missing = expected.map(tradeKey).filter((key) => !counts.has(key));
  return { duplicates, missing, arrived: arrived.length };
}

/** Symbols whose trades did not arrive in increasing seq order. */
export function outOfOrderSymbols(arrived: readonly Trade[]): string[] {
  const last = new Map<string, number>();
  const broken = new Set<string>();
  for (const trade of arrived) {
    if ((last.get(trade.symbol) ?? 0) >= trade.seq) broken.add(trade.symbol);
    last.set(trade.symbol, trade.seq);
  }
  return [...broken];
}

/** `count` symbols named `S0000`, `S0001`, … */
export function symbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `S${String(i).padStart(4, '0')}`);
}
