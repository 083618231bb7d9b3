import type { Trade } from '@market-stream/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type FanoutServer, serveFanout } from '../../src/transports/ws/serveFanout.js';
import { RawClient, upgradeRequest } from './raw.helpers.js';

/** Status, JSON body (if any) and content type of a request to `path` on `server`'s port. */
async function get(
  server: FanoutServer,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: unknown; type: string | null }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    type: response.headers.get('content-type'),
  };
}

/** Polls `path` until it answers 503 (or `tries` run out); the first 503 answer, if any. */
async function first503(server: FanoutServer, path: string, tries = 100) {
  for (let attempt = 0; attempt < tries; attempt++) {
    const answer = await get(server, path).catch(() => undefined);
    if (answer?.status === 503) return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

describe.each([1, 2])('serveFanout({ healthPath, workers: %i })', (workers) => {
  it('answers 200 with the answering process metrics, keeps 426 for other paths, and 503 once closing', async () => {
    // Arrange: a server with a client that never answers the close handshake, so the process
    // holding it keeps serving (and closing) for the 2 s close() waits for it.
    const server = await serveFanout({
      workers,
      port: 0,
      healthPath: '/healthz',
      source: new Subject<Trade>(),
    });
    const silent = await RawClient.connect(server.port);
    silent.write(upgradeRequest('/ws?symbols=AAPL'));
    await silent.waitFor(() => silent.status() === 101, 10_000);

    // Act
    const healthy = await get(server, '/healthz');
    const head = await get(server, '/healthz', 'HEAD');
    const posted = await get(server, '/healthz', 'POST');
    const other = await get(server, '/metrics');
    const closing = server.close();
    const during = await first503(server, '/healthz');
    await closing;
    const after = await get(server, '/healthz').catch((error: unknown) => error);
    silent.destroy();

    // Assert
    expect(healthy.status).toBe(200);
    expect(healthy.type).toBe('application/json');
    // One process answers for itself: its own connections, 1 or 0 of the one client.
    expect(healthy.body).toMatchObject({ status: 'ok', workers: 1 });
    expect((healthy.body as { connections: number }).connections).toBeLessThanOrEqual(1);
    expect(head).toMatchObject({ status: 200, body: undefined });
    expect(posted.status).toBe(405);
    expect(other.status).toBe(426);
    expect(during).toMatchObject({ status: 503, body: { status: 'closing' } });
    expect(after).toBeInstanceOf(Error);
  });

  it('without healthPath keeps answering 426 to every plain request', async () => {
    // Arrange
    const server = await serveFanout({ workers, port: 0, source: new Subject<Trade>() });

    // Act
    const health = await get(server, '/healthz');
    await server.close();

    // Assert
    expect(health.status).toBe(426);
  });
});
