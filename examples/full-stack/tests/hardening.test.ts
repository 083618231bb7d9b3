import type { ServerMessage, Trade } from '@market-stream/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tradeFactory } from '../../../tests/helpers/factories.js';
import type { SystemConfig } from '../src/config.js';
import { startTickerSystem, type TickerSystem } from '../src/startTickerSystem.js';
import { rawExchange, statusOf } from './helpers/rawHttp.js';

function config(overrides: Partial<SystemConfig> = {}): SystemConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    tickers: ['SPOT', 'IBM'],
    tradesPerSecond: 20,
    model: 'momentum',
    mode: 'all',
    inMemory: true,
    seed: 7,
    ingestToken: undefined,
    ...overrides,
  };
}

function post(system: TickerSystem, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${system.url}/api/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Trades of `symbol` with seq `from`…`from + count - 1`, stamped now. */
function run(symbol: string, from: number, count: number): Trade[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) =>
    tradeFactory({ symbol, seq: from + i, timestamp: now, price: 10 + (i % 50) / 100 }),
  );
}

/** Collects the trades of `symbol` a /ws client receives. */
async function watch(system: TickerSystem, symbol: string) {
  const socket = new WebSocket(`${system.wsUrl}?symbols=${symbol}`);
  const trades: Trade[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as ServerMessage;
    if (message.type === 'trades')
      trades.push(...message.trades.filter((t) => t.symbol === symbol));
  });
  await new Promise((resolve) => socket.once('message', resolve)); // `subscribed`
  return { trades, close: () => socket.close() };
}

describe('the local server, in memory', () => {
  let system: TickerSystem;
  const port = () => Number(new URL(system.url).port);

  beforeAll(async () => {
    system = await startTickerSystem(config());
  });
  afterAll(() => system.close());

  it.each([
    ['GET // HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['POST //x:99999/api/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'],
    [
      'GET // HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    ],
  ])('answers an unparseable request target with 400 and keeps serving (%#)', async (request) => {
    const answer = await rawExchange(port(), request);

    expect(statusOf(answer)).toBe(400);
    expect((await fetch(`${system.url}/healthz`)).status).toBe(200);
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'answers interval=%s with 400, not 500',
    async (interval) => {
      const response = await fetch(`${system.url}/api/bars?symbol=SPOT&interval=${interval}`);

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_INTERVAL' } });
    },
  );

  it('answers an oversized body with 413, by Content-Length and while streaming', async () => {
    const declared = await rawExchange(
      port(),
      'POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n[',
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const chunked = Buffer.concat([
      Buffer.from(
        'POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      ),
      ...Array.from({ length: 20 }, () =>
        Buffer.concat([
          Buffer.from(`${chunk.length.toString(16)}\r\n`),
          chunk,
          Buffer.from('\r\n'),
        ]),
      ),
    ]);
    const streamed = await rawExchange(port(), chunked);

    expect(statusOf(declared)).toBe(413);
    expect(declared).toContain('BODY_TOO_LARGE');
    expect(statusOf(streamed)).toBe(413);
  });

  it('takes only JSON, from no origin or its own, and refuses cross-site posts', async () => {
    const trade = run('DOORA', 1, 1);
    const text = await fetch(`${system.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(trade),
    });
    const foreign = await post(system, trade, { origin: 'https://evil.example' });
    const own = await post(system, trade, { origin: system.url });

    expect(text.status).toBe(415);
    expect(foreign.status).toBe(403);
    expect(own.status).toBe(202);
  });

  it('refuses a simulated symbol and a seq jump, so the simulated feed never freezes', async () => {
    const spot = await watch(system, 'SPOT');
    const poison = tradeFactory({ symbol: 'SPOT', seq: 2 ** 53 - 1, timestamp: Date.now() });

    const refused = await post(system, poison);
    const before = spot.trades.length;
    await expect.poll(() => spot.trades.length, { timeout: 10_000 }).toBeGreaterThan(before + 5);
    spot.close();

    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { errors: { issues: { field: string }[] }[] };
    expect(body.errors[0]?.issues.map((issue) => issue.field)).toContain('symbol');
  });

  it('keeps an ingested symbol on its sequence: continuations in, jumps and repeats out', async () => {
    const first = await post(system, run('SEQX', 1, 3));
    const jump = await post(system, run('SEQX', 2 ** 53 - 1, 1));
    const repeat = await post(system, run('SEQX', 3, 1));
    const next = await post(system, run('SEQX', 4, 2));

    expect([first.status, jump.status, repeat.status, next.status]).toEqual([202, 400, 400, 202]);
    const trades = (await (await fetch(`${system.url}/api/trades?symbol=SEQX`)).json()) as Trade[];
    expect(trades.map((t) => t.seq)).toEqual([5, 4, 3, 2, 1]);
  });

  it('refuses timestamps outside now ± the documented skew', async () => {
    const yearAhead = tradeFactory({
      symbol: 'FUTR',
      seq: 1,
      timestamp: Date.now() + 365 * 86_400_000,
    });
    const far = tradeFactory({ symbol: 'FUTR', seq: 1, timestamp: 1e15 });

    const responses = await Promise.all([post(system, yearAhead), post(system, far)]);

    expect(responses.map((r) => r.status)).toEqual([400, 400]);
    const trades = (await (await fetch(`${system.url}/api/trades?symbol=FUTR`)).json()) as Trade[];
    expect(trades).toEqual([]);
  });
});

describe('the local server, ingest bounds', () => {
  let system: TickerSystem | undefined;
  afterEach(async () => {
    await system?.close();
    system = undefined;
  });

  it('requires the token when one is set', async () => {
    system = await startTickerSystem(config({ ingestToken: 'secret-token' }));
    const trade = run('TOKN', 1, 1);

    const without = await post(system, trade);
    const wrong = await post(system, trade, { authorization: 'Bearer nope' });
    const right = await post(system, trade, { authorization: 'Bearer secret-token' });

    expect([without.status, wrong.status, right.status]).toEqual([401, 401, 202]);
  });

  it('bounds the number of ingested symbols with a clear reason', async () => {
    system = await startTickerSystem(config());
    const batches = Array.from({ length: 10 }, (_, b) =>
      Array.from({ length: 100 }, (_, i) => run(`SYM${b * 100 + i}`, 1, 1)[0]!),
    );
    for (const batch of batches) expect((await post(system, batch)).status).toBe(202);

    const over = await post(system, run('ONEMORE', 1, 1));

    expect(over.status).toBe(400);
    const body = (await over.json()) as { errors: { issues: { reason: string }[] }[] };
    expect(body.errors[0]?.issues[0]?.reason).toMatch(/at most 1000 ingested symbols/);
    expect((await post(system, run('SYM0', 2, 1))).status).toBe(202);
  });
});

describe('the local server on the emulators', () => {
  let system: TickerSystem | undefined;
  afterEach(async () => {
    await system?.close();
    system = undefined;
  });

  it('answers 429 with Retry-After while the history lags, and loses no accepted trade', async () => {
    system = await startTickerSystem(
      config({ inMemory: false, tradesPerSecond: 1, tuning: { maxPipelineLag: 1_000 } }),
    );
    const accepted = new Map<string, number>();
    let busy: Response | undefined;
    for (let request = 0; request < 100 && busy === undefined; request++) {
      const symbol = `LAG${request % 5}`;
      const from = (accepted.get(symbol) ?? 0) + 1;
      const response = await post(system, run(symbol, from, 1_000));
      if (response.status === 429) busy = response;
      else {
        expect(response.status).toBe(202);
        accepted.set(symbol, from + 999);
      }
    }

    expect(busy?.headers.get('retry-after')).toBe('1');
    for (const [symbol, seq] of accepted) {
      await expect
        .poll(
          async () => {
            const url = `${system!.url}/api/trades?symbol=${symbol}&limit=1`;
            return ((await (await fetch(url)).json()) as Trade[])[0]?.seq;
          },
          { timeout: 60_000, interval: 500 },
        )
        .toBe(seq);
    }
    expect((await fetch(`${system.url}/healthz`)).status).toBe(200);
  });

  it('says which part is down, answers ingest 503 and /healthz 503 once a sink overflowed', async () => {
    system = await startTickerSystem(
      config({
        inMemory: false,
        tradesPerSecond: 1,
        tuning: { maxPipelineLag: Number.POSITIVE_INFINITY, sinkBufferRecords: 500 },
      }),
    );
    const health = async () => fetch(`${system!.url}/healthz`);
    for (let request = 0; request < 20 && (await health()).status === 200; request++) {
      await post(system, run('BURST', request * 1_000 + 1, 1_000));
    }

    const response = await health();
    const ingest = await post(system, run('LATER', 1, 1));

    expect(response.status).toBe(503);
    const body = (await response.json()) as { reason: string; failed: Record<string, number> };
    expect(body.reason).toMatch(/(history|bars|kinesis) is down/);
    expect(Object.values(body.failed).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(ingest.status).toBe(503);
  });

  it('writes every buffered trade to the history on shutdown', async () => {
    system = await startTickerSystem(config({ inMemory: false, tradesPerSecond: 50 }));
    expect((await post(system, run('FLUSH', 1, 1_000))).status).toBe(202);

    const counts = (await system.close()) as {
      submitted: number;
      delivered: { kinesis: number; history: number };
      failed: { history: number };
    };
    system = undefined;

    expect(counts.submitted).toBeGreaterThanOrEqual(1_000);
    expect(counts.delivered.kinesis).toBe(counts.submitted);
    expect(counts.delivered.history).toBe(counts.submitted);
    expect(counts.failed.history).toBe(0);
  });
});
