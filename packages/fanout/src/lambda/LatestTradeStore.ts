import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { newestPerSymbol, type Trade } from '@market-stream/core';
import { ConnectionStoreError } from '../errors.js';

/**
 * Where the serverless path keeps the newest trade per symbol, so the message handler can
 * answer a subscribe with a `snapshot` (a Lambda has no memory of the stream).
 *
 * @example
 * ```ts
 * import type { LatestTradeStore } from '@market-stream/fanout/lambda';
 *
 * const memory = new Map<string, Trade>();
 * const store: LatestTradeStore = {
 *   put: async (trades) => { for (const t of trades) memory.set(t.symbol, t); },
 *   get: async (symbols) => symbols.flatMap((s) => (memory.has(s) ? [memory.get(s)!] : [])),
 * };
 * ```
 */
export interface LatestTradeStore {
  /** Records the newest trade of each symbol in `trades` (older than stored: ignored). */
  put(trades: readonly Trade[]): Promise<void>;
  /** The newest known trade of each symbol that has one, in the order asked. */
  get(symbols: readonly string[]): Promise<Trade[]>;
}

/**
 * A {@link LatestTradeStore} in the connections table, next to the connection items:
 * one item per symbol, `pk = "latest#SYMBOL"`, `sk = "latest"`, attributes `seq` and `trade`.
 * Keeping it in the connections table (rather than the history table) means the snapshot
 * works without `HISTORY_TABLE`, costs one small item per symbol, and never collides with a
 * shard partition (`shard#N`).
 *
 * Guarantees: `put` writes one item per symbol per call (conditional on a higher `seq`, so
 * parallel or retried batches never move a symbol backwards); `get` is one BatchGetItem per
 * 100 symbols, unprocessed keys retried at most 3 times.
 *
 * @example
 * ```ts
 * import { DynamoLatestTradeStore } from '@market-stream/fanout/lambda';
 *
 * const latest = new DynamoLatestTradeStore({ client, tableName: 'connections' });
 * await latest.put(trades);
 * const snapshot = await latest.get(['AAPL', 'TSLA']);
 * ```
 */
export class DynamoLatestTradeStore implements LatestTradeStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  /**
   * @param options - `client`: a DynamoDBDocumentClient; `tableName`: the connections table.
   */
  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  /**
   * Stores the highest-`seq` trade of each symbol in `trades` (core's `newestPerSymbol`).
   *
   * @param trades - Any trades, any order.
   */
  async put(trades: readonly Trade[]): Promise<void> {
    await Promise.all(
      newestPerSymbol(trades).map(async (trade) => {
        try {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { pk: `latest#${trade.symbol}`, sk: 'latest', seq: trade.seq, trade },
              ConditionExpression: 'attribute_not_exists(seq) OR seq < :seq',
              ExpressionAttributeValues: { ':seq': trade.seq },
            }),
          );
        } catch (error) {
          if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return;
          throw new ConnectionStoreError('putLatest', `storing ${trade.symbol} failed`, {
            cause: error,
          });
        }
      }),
    );
  }

  /**
   * The newest stored trade of each symbol that has one.
   *
   * @param symbols - Symbols to look up.
   * @returns Their trades, in the order of `symbols`; symbols never traded are left out.
   */
  async get(symbols: readonly string[]): Promise<Trade[]> {
    const unique = [...new Set(symbols)];
    const found = new Map<string, Trade>();
    for (let start = 0; start < unique.length; start += 100) {
      let keys: Record<string, unknown>[] = unique
        .slice(start, start + 100)
        .map((symbol) => ({ pk: `latest#${symbol}`, sk: 'latest' }));
      for (let attempt = 0; keys.length > 0 && attempt < 4; attempt++) {
        let result: BatchGetCommandOutput;
        try {
          result = await this.client.send(
            new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
          );
        } catch (error) {
          throw new ConnectionStoreError('getLatest', 'reading latest trades failed', {
            cause: error,
          });
        }
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const trade = item.trade as Trade | undefined;
          if (trade) found.set(trade.symbol, trade);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return unique.flatMap((symbol) => {
      const trade = found.get(symbol);
      return trade ? [trade] : [];
    });
  }
}
