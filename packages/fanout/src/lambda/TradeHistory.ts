import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { queryTradesAfter } from '@market-stream/sinks';

/**
 * Where the serverless message handler reads the trades a reconnecting client missed (recovery
 * by `seq`): the history table the processor writes before it fans out.
 *
 * @example
 * ```ts
 * import type { TradeHistory } from '@market-stream/fanout/lambda';
 *
 * const history: TradeHistory = {
 *   tradesAfter: async (symbol, afterSeq, limit) =>
 *     stored.filter((t) => t.symbol === symbol && t.seq > afterSeq).slice(0, limit),
 * };
 * ```
 */
export interface TradeHistory {
  /**
   * The kept trades of `symbol` among the first `limit` after `afterSeq`, in `seq` order. A
   * trade the store no longer holds is left out, so a result that does not run
   * `afterSeq + 1, afterSeq + 2, …` says the missing ones expired.
   */
  tradesAfter(symbol: string, afterSeq: number, limit: number): Promise<Trade[]>;
}

/**
 * A {@link TradeHistory} over the history table `toDynamo` writes (the processor's
 * `HISTORY_TABLE`): one strongly consistent, paged Query per symbol with `queryTradesAfter` of
 * `@market-stream/sinks`, at most `limit` items read; items past their `ttl` count as expired.
 *
 * @param options - `client`: a DynamoDBDocumentClient; `tableName`: the history table.
 * @returns The history reader.
 *
 * @example
 * ```ts
 * import { createMessageHandler, dynamoTradeHistory } from '@market-stream/fanout/lambda';
 *
 * export const handler = createMessageHandler({
 *   store, transport, latest, mode: 'all',
 *   history: dynamoTradeHistory({ client, tableName: process.env.HISTORY_TABLE! }),
 * });
 * ```
 */
export function dynamoTradeHistory(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): TradeHistory {
  const { client, tableName } = options;
  return {
    tradesAfter: (symbol, afterSeq, limit) =>
      queryTradesAfter({ client, tableName, symbol, afterSeq, limit }),
  };
}
