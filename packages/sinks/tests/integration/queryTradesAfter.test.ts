import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { InvalidSinkOptionsError, queryTradesAfter, toDynamo } from '../../src/index.js';
import { createTable, dynamoClient, type Emulator, startDynalite } from '../helpers/emulators.js';

const START = 1_700_000_000_000;
/** The trades' `now`: well inside their TTL (default 7 days after the trade). */
const NOW = START + 60_000;

describe('queryTradesAfter() on dynalite', () => {
  let dynalite: Emulator;
  let client: DynamoDBDocumentClient;

  beforeAll(async () => {
    dynalite = await startDynalite();
    client = dynamoClient(dynalite.endpoint, 3);
    await createTable(client, 'history');
    // 3 symbols x 1,200 trades: more than one page at the larger limits below.
    const trades = tradeSequence(['AAPL', 'BRK.B', 'TSLA'], 1_200, { start: START });
    await lastValueFrom(from(trades).pipe(toDynamo({ client, tableName: 'history' }), toArray()));
  }, 60_000);

  afterAll(async () => {
    client.destroy();
    await dynalite?.close();
  });

  it('returns the symbol’s trades after afterSeq, oldest first, up to limit', async () => {
    const trades = await queryTradesAfter({
      client,
      tableName: 'history',
      symbol: 'BRK.B',
      afterSeq: 1_041,
      limit: 100,
      now: NOW,
    });

    expect(trades.map((trade) => trade.seq)).toEqual(
      Array.from({ length: 100 }, (_, i) => 1_042 + i),
    );
    expect(trades.every((trade) => trade.symbol === 'BRK.B')).toBe(true);
  });

  it('returns everything to the newest trade when fewer than limit are held after afterSeq', async () => {
    const tail = await queryTradesAfter({
      client,
      tableName: 'history',
      symbol: 'TSLA',
      afterSeq: 1_150,
      limit: 5_000,
      now: NOW,
    });
    const none = await queryTradesAfter({
      client,
      tableName: 'history',
      symbol: 'TSLA',
      afterSeq: 1_200,
      limit: 10,
      now: NOW,
    });
    const unknown = await queryTradesAfter({
      client,
      tableName: 'history',
      symbol: 'NOPE',
      afterSeq: 0,
      limit: 10,
      now: NOW,
    });

    expect(tail.map((trade) => trade.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 1_151 + i));
    expect(none).toEqual([]);
    expect(unknown).toEqual([]);
  });

  it('reads across pages: 1,200 trades from afterSeq 0', async () => {
    const trades = await queryTradesAfter({
      client,
      tableName: 'history',
      symbol: 'AAPL',
      afterSeq: 0,
      limit: 100_000,
      now: NOW,
    });

    expect(trades.map((trade) => trade.seq)).toEqual(
      Array.from({ length: 1_200 }, (_, i) => i + 1),
    );
  });

  it('leaves out trades past their ttl, so a result that starts after afterSeq + 1 says they expired', async () => {
    // The items carry ttl = the trade's epoch second + 7 days. AAPL's trades 1…334 fall in the
    // first second (3 symbols, 1 ms apart), so 7 days and 1 s later they have expired (DynamoDB
    // deletes expired items lazily; dynalite never does) and 335 is the oldest kept.
    const later = START + 7 * 24 * 3_600_000 + 1_000;

    const trades = await queryTradesAfter({
      client,
      tableName: 'history',
      symbol: 'AAPL',
      afterSeq: 10,
      limit: 1_000,
      now: later,
    });

    // Items 11…1,010 were read (the expired ones count towards limit); 335…1,010 are kept.
    expect(trades.map((trade) => trade.seq)).toEqual(
      Array.from({ length: 1_010 - 334 }, (_, i) => 335 + i),
    );
  });

  it('shows a deleted item as a hole in the seqs', async () => {
    await client.send(
      new DeleteCommand({ TableName: 'history', Key: { pk: 'TSLA', sk: '0000000000000501' } }),
    );

    const trades = await queryTradesAfter({
      client,
      tableName: 'history',
      symbol: 'TSLA',
      afterSeq: 499,
      limit: 4,
      now: NOW,
    });

    // A deleted item is not read, so it takes no part of limit.
    expect(trades.map((trade) => trade.seq)).toEqual([500, 502, 503, 504]);
  });

  it('refuses an afterSeq or limit out of range before reading', async () => {
    const base = { client, tableName: 'history', symbol: 'AAPL' };

    await expect(queryTradesAfter({ ...base, afterSeq: -1, limit: 1 })).rejects.toThrow(
      InvalidSinkOptionsError,
    );
    await expect(queryTradesAfter({ ...base, afterSeq: 1.5, limit: 1 })).rejects.toThrow(
      InvalidSinkOptionsError,
    );
    await expect(queryTradesAfter({ ...base, afterSeq: 0, limit: 0 })).rejects.toThrow(
      InvalidSinkOptionsError,
    );
    await expect(queryTradesAfter({ ...base, afterSeq: 0, limit: 100_001 })).rejects.toThrow(
      InvalidSinkOptionsError,
    );
  });
});
