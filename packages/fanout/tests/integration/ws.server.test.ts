import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trade } from '@market-stream/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Subject } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { createJwtVerifier } from '../../src/auth/createJwtVerifier.js';
import { type FanoutServer, serveFanout } from '../../src/transports/ws/serveFanout.js';
import { eventually, TestClient } from './ws.helpers.js';

const secret = 'integration-secret-of-at-least-32-bytes';
const hs256 = (key = secret) =>
  new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(key));

async function status(url: string, options?: WebSocket.ClientOptions) {
  try {
    const client = await TestClient.open(url, options);
    client.close();
    return 101;
  } catch (error) {
    return Number(String((error as Error).message).replace('HTTP ', ''));
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('serveFanout() upgrades', () => {
  const servers: FanoutServer[] = [];
  const http: Server[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    for (const server of http) server.close();
  });

  it('accepts a valid HS256 token from ?token=, a header or the bearer subprotocol, and refuses others with 401', async () => {
    const server = await serveFanout({ authenticate: createJwtVerifier({ secret }) });
    servers.push(server);
    const token = await hs256();

    expect(await status(`${server.url}?token=${token}`)).toBe(101);
    expect(await status(server.url, { headers: { authorization: `Bearer ${token}` } })).toBe(101);
    expect(await status(server.url)).toBe(401);
    const browserLike = new WebSocket(server.url, ['bearer', token]);
    const protocol = await new Promise<string>((resolve, reject) => {
      browserLike.once('open', () => resolve(browserLike.protocol));
      browserLike.once('error', reject);
    });
    browserLike.close();
    expect(protocol).toBe('bearer');
    expect(
      await status(`${server.url}?token=${await hs256('a-different-secret-of-32-bytes!!')}`),
    ).toBe(401);
    expect(await status(`${server.url}?token=garbage`)).toBe(401);
  });

  it('verifies RS256 tokens against a JWKS served on loopback', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const stranger = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    http.push(jwks);
    const jwksPort = await listen(jwks);
    const server = await serveFanout({
      authenticate: createJwtVerifier({
        jwksUrl: `http://127.0.0.1:${jwksPort}/jwks.json`,
        audience: 'ticker',
      }),
    });
    servers.push(server);
    const sign = (key: CryptoKey, audience = 'ticker') =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(key);

    expect(await status(`${server.url}?token=${await sign(privateKey)}`)).toBe(101);
    expect(await status(`${server.url}?token=${await sign(stranger.privateKey)}`)).toBe(401);
    expect(await status(`${server.url}?token=${await sign(privateKey, 'other')}`)).toBe(401);
  });

  it('refuses origins outside the allow-list with 403 and unknown paths with 404', async () => {
    const server = await serveFanout({ allowedOrigins: ['https://ticker.example'] });
    servers.push(server);

    expect(await status(server.url, { origin: 'https://ticker.example' })).toBe(101);
    expect(await status(server.url, { origin: 'https://evil.example' })).toBe(403);
    expect(await status(server.url.replace('/ws', '/other'))).toBe(404);
  });

  it('shares an existing http server, which keeps serving its own routes', async () => {
    const shared = createServer((_, response) => response.end('ok'));
    http.push(shared);
    const port = await listen(shared);
    const server = await serveFanout({ server: shared, path: '/stream' });
    servers.push(server);

    const body = await (await fetch(`http://127.0.0.1:${port}/healthz`)).text();
    const client = await TestClient.open(`ws://127.0.0.1:${port}/stream?symbols=AAPL`);
    await client.waitFor(() => client.messages.length >= 1);

    expect(body).toBe('ok');
    expect(server.port).toBe(port);
    expect(client.messages[0]).toEqual({ type: 'subscribed', symbols: ['AAPL'] });
    client.close();
  });
});

describe('serveFanout() lifecycle', () => {
  it('drops sockets that stop answering heartbeat pings', async () => {
    const server = await serveFanout({ heartbeatIntervalMs: 100 });
    const silent = await TestClient.open(server.url, { autoPong: false });
    const healthy = await TestClient.open(server.url);
    await eventually(() => server.metrics.connections === 2);

    await silent.waitFor(() => silent.closeCode !== undefined, 10_000, 'silent socket closed');
    await eventually(() => server.metrics.connections === 1, 5_000, 'one connection left');

    expect(healthy.closeCode).toBeUndefined();
    healthy.close();
    await server.close();
  });

  it('closes a client that stops reading in all mode with 1013 and a reason, while others keep up', async () => {
    const source = new Subject<Trade>();
    const server = await serveFanout({
      source,
      mode: 'all',
      highWaterMark: 64 * 1024,
      maxBacklogTrades: 2_000,
      flushIntervalMs: 10,
      maxFlushIntervalMs: 10,
    });
    const stalled = await TestClient.open(`${server.url}?symbols=AAPL`);
    const reader = await TestClient.open(`${server.url}?symbols=AAPL`);
    await reader.waitFor(() => reader.messages.length >= 2);
    stalled.socket.pause();

    let seq = 0;
    for (let burst = 0; burst < 200 && server.metrics.drops.slow_consumer === 0; burst++) {
      for (let i = 0; i < 500; i++) {
        source.next(tradeFactory({ seq: ++seq, timestamp: Date.now(), price: 100 + (i % 50) }));
      }
      await reader.waitFor(() => reader.newest.get('AAPL') === seq, 20_000, 'reader caught up');
    }
    stalled.socket.resume();
    await stalled.waitFor(() => stalled.closeCode !== undefined, 20_000, 'stalled closed');

    expect(stalled.closeCode).toBe(1013);
    expect(stalled.closeReason).toMatch(/slow consumer/);
    expect(reader.trades().map((t) => t.seq)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    reader.close();
    await server.close();
  });

  it('close() sends 1001 to every client and resolves once they are gone', async () => {
    const server = await serveFanout();
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.open(server.url)));

    await server.close();

    await Promise.all(clients.map((c) => c.waitFor(() => c.closeCode !== undefined)));
    expect(clients.map((c) => c.closeCode)).toEqual([1001, 1001, 1001]);
    expect(server.metrics.connections).toBe(0);
    expect(await status(server.url)).toBeNaN();
  });
});
