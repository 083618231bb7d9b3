import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTickerSystem, type TickerSystem } from '../src/startTickerSystem.js';
import { rawExchange, statusOf } from './helpers/rawHttp.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261130);

const method = fc.oneof(
  fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'),
  fc.stringMatching(/^[A-Z]{1,10}$/),
);
const target = fc.oneof(
  fc.constantFrom('/', '//', 'http://[', '/ws', '//ws', '/ws?symbols=%E0%A4%A', '/api/ingest', '*'),
  fc
    .constantFrom('/', '/ws', '/api/bars', '/api/trades', '/healthz')
    .chain((path) => fc.string({ maxLength: 40 }).map((query) => `${path}?${query}`)),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => `/${text}`),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4_000 }),
);
const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,24}$/);
const headerValue = fc.string({ unit: 'grapheme-ascii', maxLength: 120 });
const upgradeHeaders = fc.record({
  upgrade: fc.constantFrom('websocket', 'WebSocket', 'h2c', ''),
  key: fc.oneof(fc.constant('dGhlIHNhbXBsZSBub25jZQ=='), fc.string({ maxLength: 30 })),
  version: fc.constantFrom('13', '8', 'x', ''),
  origin: fc.option(fc.constantFrom('http://127.0.0.1', 'https://evil.example', 'null', '::')),
});
const request = fc.record({
  method,
  target,
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
  upgrade: fc.option(upgradeHeaders),
  contentType: fc.option(fc.constantFrom('application/json', 'text/plain', 'application/json; x')),
  body: fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 3 })),
  declaredLength: fc.option(fc.nat({ max: 5_000_000 })),
  resetAfterMs: fc.option(fc.integer({ min: 0, max: 20 })),
});

type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function encode(r: FuzzRequest): string {
  const lines = [`${r.method} ${r.target} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of r.headers) lines.push(`${name}: ${value}`);
  if (r.upgrade) {
    lines.push('Connection: Upgrade', `Upgrade: ${r.upgrade.upgrade}`);
    lines.push(
      `Sec-WebSocket-Key: ${r.upgrade.key}`,
      `Sec-WebSocket-Version: ${r.upgrade.version}`,
    );
    if (r.upgrade.origin) lines.push(`Origin: ${r.upgrade.origin}`);
  }
  if (r.contentType) lines.push(`Content-Type: ${r.contentType}`);
  lines.push(`Content-Length: ${r.declaredLength ?? Buffer.byteLength(r.body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${r.body}`;
}

describe('the local server under arbitrary requests', () => {
  let system: TickerSystem;
  const crashes: unknown[] = [];
  const record = (error: unknown) => crashes.push(error);

  beforeAll(async () => {
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    system = await startTickerSystem({
      port: 0,
      host: '127.0.0.1',
      tickers: 3,
      tradesPerSecond: 10,
      model: 'momentum',
      mode: 'latest',
      inMemory: true,
      seed: 1,
      ingestToken: undefined,
    });
  });
  afterAll(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  });

  it('answers or drops every request, never crashes, and keeps serving its clients', async () => {
    const port = Number(new URL(system.url).port);
    const statuses = new Set<number | undefined>();

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const answer = await rawExchange(port, encode(r), {
          timeoutMs: 300,
          ...(r.resetAfterMs === null ? {} : { resetAfterMs: r.resetAfterMs }),
        });
        statuses.add(statusOf(answer));
        expect(crashes).toEqual([]);
      }),
      { numRuns: 250, seed, endOnFailure: true },
    );

    expect(statuses.size).toBeGreaterThan(3);
    expect((await fetch(`${system.url}/healthz`)).status).toBe(200);
    const socket = new WebSocket(`${system.wsUrl}?symbols=AAPL`);
    const first = await new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(String(data)));
      socket.once('error', reject);
    });
    socket.close();
    expect(JSON.parse(first)).toMatchObject({ type: 'subscribed', symbols: ['AAPL'] });
    await system.close();
    expect(crashes).toEqual([]);
  }, 120_000);
});
