import type { Trade } from '@market-stream/core';
import type { TradeHistory } from '@market-stream/fanout/lambda';

/** A Kinesis event carrying `trades`, as the stream processor Lambda receives it. */
export function kinesisEvent(trades: readonly Trade[]) {
  return {
    Records: trades.map((trade, i) => ({
      kinesis: {
        data: Buffer.from(JSON.stringify(trade)).toString('base64'),
        partitionKey: trade.symbol,
        sequenceNumber: String(49_000_000_000 + i),
      },
    })),
  };
}

/** The newest trade per symbol, kept in memory (the deployed stack keeps it in DynamoDB). */
export function memoryLatest() {
  const latest = new Map<string, Trade>();
  return {
    async put(trades: readonly Trade[]) {
      for (const trade of trades) {
        const held = latest.get(trade.symbol);
        if (!held || held.seq < trade.seq) latest.set(trade.symbol, trade);
      }
    },
    async get(symbols: readonly string[]) {
      return symbols.flatMap((symbol) => latest.get(symbol) ?? []);
    },
  };
}

/**
 * The history table kept in memory (the deployed stack keeps it in DynamoDB; the fan-out
 * package's suites run the DynamoDB reader against dynalite): `write` is the processor's
 * `history`, `reader` the message handler's.
 */
export function memoryHistory() {
  const trades: Trade[] = [];
  const reader: TradeHistory = {
    async tradesAfter(symbol, afterSeq, limit) {
      return trades
        .filter((trade) => trade.symbol === symbol && trade.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
    },
  };
  return {
    async write(batch: readonly Trade[]) {
      trades.push(...batch);
    },
    reader,
  };
}
