import { recoveryReplies, type ServerMessage, type Trade } from '@market-stream/core';
import { describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { type DeliveryMode, MemoryConnectionStore, shardOf } from '../../src/index.js';
import {
  createMessageHandler,
  type LatestTradeStore,
  type MessageHandlerOptions,
  type TradeHistory,
} from '../../src/lambda.js';
import { webSocketEventFactory } from './lambda.factories.js';

const ID = 'L0SM9cOFvHcCIhw=';

/** `count` trades of `symbol` with seq `from`, `from + 1`, … */
function run(symbol: string, from: number, count: number): Trade[] {
  return Array.from({ length: count }, (_, i) =>
    tradeFactory({ symbol, seq: from + i, timestamp: 1_700_000_000_000 + from + i }),
  );
}

/** An in-memory history with the contract of `tradesAfter`; counts its reads. */
function memoryHistory(trades: Trade[]) {
  const reads: Array<{ symbol: string; afterSeq: number; limit: number }> = [];
  const history: TradeHistory = {
    tradesAfter: async (symbol, afterSeq, limit) => {
      reads.push({ symbol, afterSeq, limit });
      return trades
        .filter((trade) => trade.symbol === symbol && trade.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
    },
  };
  return { history, reads };
}

function memoryLatest(trades: Trade[]): LatestTradeStore {
  const newest = new Map<string, Trade>();
  for (const trade of trades) {
    if ((newest.get(trade.symbol)?.seq ?? 0) < trade.seq) newest.set(trade.symbol, trade);
  }
  return {
    put: async () => {},
    get: async (symbols) =>
      symbols.flatMap((symbol) => (newest.has(symbol) ? [newest.get(symbol) as Trade] : [])),
  };
}

async function setup(
  options: Partial<MessageHandlerOptions> & { known?: Trade[]; recordMode?: DeliveryMode } = {},
) {
  const { known = [], recordMode, ...rest } = options;
  const store = new MemoryConnectionStore();
  await store.put({
    id: ID,
    shard: shardOf(ID, 16),
    symbols: [],
    connectedAt: 0,
    ...(recordMode ? { mode: recordMode } : {}),
  });
  const sent: Array<{ payload: string; message: ServerMessage }> = [];
  const errors: Array<{ error: unknown; symbol: string }> = [];
  const handle = createMessageHandler({
    store,
    transport: {
      send: async (_id: string, payload: string) => {
        sent.push({ payload, message: JSON.parse(payload) as ServerMessage });
        return 'sent' as const;
      },
    },
    latest: memoryLatest(known),
    mode: 'all',
    recoveryDelayMs: 0,
    onRecoveryError: (error, symbol) => errors.push({ error, symbol }),
    ...rest,
  });
  const subscribe = (symbols: string[], since: Record<string, number>) =>
    handle(
      webSocketEventFactory({
        connectionId: ID,
        body: JSON.stringify({ action: 'subscribe', symbols, since }),
      }),
    );
  const messages = () => sent.map(({ message }) => message);
  return { store, sent, messages, errors, subscribe };
}

function recoveryOf(messages: ServerMessage[]) {
  return messages.find((message) => message.type === 'recovery');
}

describe('createMessageHandler() with since (recovery from history)', () => {
  it('answers subscribed, then exactly recoveryReplies: recovered trades, snapshot, recovery', async () => {
    // Arrange: AAPL 1…60 and TSLA 1…10 in history; the client holds AAPL 40 and adds MSFT.
    const aapl = run('AAPL', 1, 60);
    const tsla = run('TSLA', 1, 10);
    const msft = tradeFactory({ symbol: 'MSFT', seq: 3 });
    const { history } = memoryHistory([...aapl, ...tsla]);
    const { messages, subscribe } = await setup({ history, known: [...aapl, ...tsla, msft] });

    // Act
    const result = await subscribe(['AAPL', 'TSLA', 'MSFT'], { AAPL: 40, TSLA: 10 });

    // Assert
    expect(result.statusCode).toBe(200);
    expect(messages()).toEqual([
      { type: 'subscribed', symbols: ['AAPL', 'MSFT', 'TSLA'] },
      ...recoveryReplies(
        [
          { symbol: 'AAPL', since: 40, trades: aapl.slice(40) },
          { symbol: 'TSLA', since: 10, trades: [] },
        ],
        [msft],
      ),
    ]);
    expect(recoveryOf(messages())).toEqual({
      type: 'recovery',
      recovered: { AAPL: 20, TSLA: 0 },
      unrecovered: [],
    });
  });

  it('answers EXPIRED with the range and the snapshot when the history no longer reaches since + 1', async () => {
    // Arrange: the history keeps AAPL 31…60 only (older ones expired); TSLA is known but holds
    // nothing after 4; NEWCO is known nowhere.
    const aapl = run('AAPL', 1, 60);
    const tsla = run('TSLA', 1, 9);
    const { history } = memoryHistory([...aapl.slice(30), ...tsla.slice(0, 4)]);
    const { messages, subscribe } = await setup({ history, known: [...aapl, ...tsla] });

    // Act
    await subscribe(['AAPL', 'TSLA', 'NEWCO'], { AAPL: 10, TSLA: 4, NEWCO: 0 });

    // Assert
    expect(messages().slice(1)).toEqual([
      { type: 'snapshot', trades: [aapl[59], tsla[8]] },
      {
        type: 'recovery',
        recovered: {},
        unrecovered: [
          { symbol: 'AAPL', reason: 'EXPIRED', from: 11, to: 59 },
          { symbol: 'TSLA', reason: 'EXPIRED', from: 5, to: 8 },
          { symbol: 'NEWCO', reason: 'EXPIRED' },
        ],
      },
    ]);
  });

  it('stops at maxRecoveredTrades in the order named: TOO_MANY for a symbol past it, later ones still fit', async () => {
    // Arrange: budget 10; AAPL misses 8, TSLA 5 (past the 2 left), MSFT 2.
    const trades = [...run('AAPL', 1, 10), ...run('TSLA', 1, 10), ...run('MSFT', 1, 10)];
    const { history, reads } = memoryHistory(trades);
    const { messages, subscribe } = await setup({
      history,
      known: trades,
      maxRecoveredTrades: 10,
    });

    // Act
    await subscribe(['AAPL', 'TSLA', 'MSFT'], { AAPL: 2, TSLA: 5, MSFT: 8 });

    // Assert: TSLA was judged by the newest known trade, without a read.
    expect(recoveryOf(messages())).toEqual({
      type: 'recovery',
      recovered: { AAPL: 8, MSFT: 2 },
      unrecovered: [{ symbol: 'TSLA', reason: 'TOO_MANY', from: 6, to: 9 }],
    });
    expect(reads.map((read) => [read.symbol, read.limit])).toEqual([
      ['AAPL', 11],
      ['MSFT', 3],
    ]);
  });

  it('answers TOO_MANY when the history holds more than the budget although the newest known trade said less', async () => {
    // Arrange: the latest-trade store lags (it says 5) while history holds AAPL 1…30.
    const aapl = run('AAPL', 1, 30);
    const { history } = memoryHistory(aapl);
    const { messages, subscribe } = await setup({
      history,
      known: [aapl[4] as Trade],
      maxRecoveredTrades: 10,
    });

    // Act
    await subscribe(['AAPL'], { AAPL: 2 });

    // Assert: the snapshot carries the newest trade the read saw.
    expect(messages().slice(1)).toEqual([
      { type: 'snapshot', trades: [aapl[12]] },
      {
        type: 'recovery',
        recovered: {},
        unrecovered: [{ symbol: 'AAPL', reason: 'TOO_MANY', from: 3, to: 12 }],
      },
    ]);
  });

  it('answers UNAVAILABLE with the snapshot without a history, and when the read fails (the subscription stands)', async () => {
    // Arrange
    const aapl = run('AAPL', 1, 20);
    const failing: TradeHistory = {
      tradesAfter: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    const without = await setup({ known: aapl });
    const broken = await setup({ history: failing, known: aapl });

    // Act
    const results = [
      await without.subscribe(['AAPL'], { AAPL: 5 }),
      await broken.subscribe(['AAPL'], { AAPL: 5 }),
    ];

    // Assert
    for (const { messages } of [without, broken]) {
      expect(messages().slice(1)).toEqual([
        { type: 'snapshot', trades: [aapl[19]] },
        {
          type: 'recovery',
          recovered: {},
          unrecovered: [{ symbol: 'AAPL', reason: 'UNAVAILABLE', from: 6, to: 19 }],
        },
      ]);
    }
    expect(results.map((result) => result.statusCode)).toEqual([200, 200]);
    expect((await broken.store.get(ID))?.symbols).toEqual(['AAPL']);
    expect(broken.errors.map(({ symbol }) => symbol)).toEqual(['AAPL']);
  });

  it('answers LATEST in latest mode (the handler’s or the connection’s), AHEAD past the newest, and recovers nothing when up to date', async () => {
    // Arrange
    const aapl = run('AAPL', 1, 20);
    const tsla = run('TSLA', 1, 5);
    const msft = run('MSFT', 1, 7);
    const known = [...aapl, ...tsla, ...msft];
    const { history, reads } = memoryHistory(known);
    const byHandler = await setup({ history, known, mode: 'latest' });
    const byConnection = await setup({ history, known, recordMode: 'latest' });

    // Act
    for (const { subscribe } of [byHandler, byConnection]) {
      await subscribe(['AAPL', 'TSLA', 'MSFT'], { AAPL: 5, TSLA: 99, MSFT: 7 });
    }

    // Assert
    for (const { messages } of [byHandler, byConnection]) {
      expect(messages().slice(1)).toEqual([
        { type: 'snapshot', trades: [aapl[19], tsla[4]] },
        {
          type: 'recovery',
          recovered: { MSFT: 0 },
          unrecovered: [
            { symbol: 'AAPL', reason: 'LATEST', from: 6, to: 19 },
            { symbol: 'TSLA', reason: 'AHEAD' },
          ],
        },
      ]);
    }
    expect(reads).toEqual([]);
  });

  it('keeps every message within maxPayloadBytes, splitting recovered trades and losing none', async () => {
    // Arrange
    const aapl = run('AAPL', 1, 300);
    const { history } = memoryHistory(aapl);
    const { sent, messages, subscribe } = await setup({
      history,
      known: aapl,
      maxPayloadBytes: 4_096,
    });

    // Act
    await subscribe(['AAPL'], { AAPL: 0 });

    // Assert
    for (const { payload } of sent) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(4_096);
    expect(messages().filter((m) => m.type === 'trades').length).toBeGreaterThan(1);
    expect(messages().flatMap((m) => (m.type === 'trades' ? m.trades : []))).toEqual(aapl);
    expect(messages().at(-1)).toEqual({
      type: 'recovery',
      recovered: { AAPL: 300 },
      unrecovered: [],
    });
  });

  it('answers a subscribe without since as before: subscribed, then one snapshot', async () => {
    const aapl = run('AAPL', 1, 3);
    const { history, reads } = memoryHistory(aapl);
    const { messages, subscribe } = await setup({ history, known: aapl });

    await subscribe(['AAPL'], {});

    expect(messages()).toEqual([
      { type: 'subscribed', symbols: ['AAPL'] },
      { type: 'snapshot', trades: [aapl[2]] },
    ]);
    expect(reads).toEqual([]);
  });
});
