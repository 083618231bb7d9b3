import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trade } from '@market-stream/core';
import { afterEach, describe, expect, it } from 'vitest';
import { POST_DEFAULTS } from '../../src/defaults.js';
import { TradePoster, type TradePosterOptions } from '../../src/post/TradePoster.js';

/** A loopback endpoint whose answers the test decides; it records every body it receives. */
async function endpoint(
  answer: (trades: Trade[], response: ServerResponse) => void,
): Promise<{ url: URL; received: Trade[][]; server: Server }> {
  const received: Trade[][] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const trades = JSON.parse(body) as Trade[];
      received.push(trades);
      answer(trades, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/ingest`), received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function trade(symbol: string, seq: number): Trade {
  return { symbol, price: 10, size: 1, bid: 9.99, ask: 10.01, timestamp: 1_700_000_000_000, seq };
}

function options(url: URL, overrides: Partial<TradePosterOptions> = {}): TradePosterOptions {
  return { ...POST_DEFAULTS, url, baseDelayMs: 1, maxDelayMs: 5, ...overrides };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

const accept = (trades: Trade[], response: ServerResponse) =>
  response.writeHead(202).end(JSON.stringify({ accepted: trades.length }));

describe('TradePoster', () => {
  it('makes add() wait while the queue is full, then delivers everything in order per symbol', async () => {
    // Arrange: an endpoint that holds every answer until released.
    const held: (() => void)[] = [];
    const { url, received } = await endpoint((trades, response) =>
      held.push(() => accept(trades, response)),
    );
    const poster = new TradePoster(
      options(url, { batchSize: 2, maxInFlight: 2, maxQueuedBatches: 2, maxWaitMs: 60_000 }),
    );
    const trades = ['AAA', 'BBB'].flatMap((symbol) =>
      Array.from({ length: 10 }, (_, i) => trade(symbol, i + 1)),
    );

    // Act: feed until add() blocks (2 batches in flight, 2 queued).
    let added = 0;
    const feeding = (async () => {
      for (const next of trades.sort((a, b) => a.seq - b.seq)) {
        await poster.add(next);
        added++;
      }
    })();
    await until(() => received.length === 2);
    const whileHeld = added;
    const release = async () => {
      for (
        let i = 0;
        i < 5_000 && (received.flat().length < trades.length || held.length > 0);
        i++
      ) {
        held.shift()?.();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    await Promise.all([feeding, release()]);
    const summary = await poster.close();

    // Assert
    expect(whileHeld).toBeLessThan(trades.length);
    expect(whileHeld).toBeLessThanOrEqual(2 * 2 + 2 * 2 + 1);
    expect(summary).toMatchObject({ sent: 20, accepted: 20, batches: 10, retries: 0 });
    for (const symbol of ['AAA', 'BBB']) {
      const seqs = received
        .flat()
        .filter((t) => t.symbol === symbol)
        .map((t) => t.seq);
      expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    }
  });

  it('posts a partial batch after maxWaitMs without close()', async () => {
    const { url, received } = await endpoint(accept);
    const poster = new TradePoster(options(url, { batchSize: 100, maxWaitMs: 10 }));

    await poster.add(trade('AAA', 1));
    await until(() => received.length === 1);

    expect(received[0]).toEqual([trade('AAA', 1)]);
    expect(await poster.close()).toMatchObject({ sent: 1, accepted: 1, batches: 1 });
  });

  it('counts a batch as failed after maxAttempts of 503, with the reason', async () => {
    const { url, received } = await endpoint((_, response) =>
      response.writeHead(503).end('{"error":{"code":"WRITE_FAILED","message":"x"}}'),
    );
    const poster = new TradePoster(options(url, { maxAttempts: 3 }));

    await poster.add(trade('AAA', 1));
    const summary = await poster.close();

    expect(received).toHaveLength(3);
    expect(summary.retries).toBe(2);
    expect(summary.accepted).toBe(0);
    expect([...summary.failed]).toEqual([['HTTP 503 WRITE_FAILED', 1]]);
  });

  it('counts a refused connection as a network failure', async () => {
    const { url, server } = await endpoint(accept);
    await new Promise((resolve) => server.close(resolve));
    const poster = new TradePoster(options(url, { maxAttempts: 2 }));

    await poster.add(trade('AAA', 1));
    const summary = await poster.close();

    expect([...summary.failed]).toEqual([['network: ECONNREFUSED', 1]]);
  });

  it('names the bad trade of a refused batch and counts the rest as refused with it', async () => {
    const { url } = await endpoint((_, response) =>
      response.writeHead(400).end(
        JSON.stringify({
          error: { code: 'INVALID_TRADES', message: 'invalid trades; nothing was ingested' },
          errors: [{ index: 1, issues: [{ field: 'price', reason: 'must be positive' }] }],
        }),
      ),
    );
    const poster = new TradePoster(options(url));

    for (let seq = 1; seq <= 3; seq++) await poster.add(trade('AAA', seq));
    const summary = await poster.close();

    expect(summary.retries).toBe(0);
    expect(Object.fromEntries(summary.rejected)).toEqual({
      'INVALID_TRADES: price: must be positive': 1,
      'INVALID_TRADES: refused with its batch': 2,
    });
  });
});
