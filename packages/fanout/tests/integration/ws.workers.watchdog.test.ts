import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { WORKER_DEFAULTS } from '../../src/defaults.js';
import { WorkerError } from '../../src/errors.js';
import type { FanoutServer } from '../../src/transports/ws/serveFanout.js';
import { eventually, serveWithWorkerModule, TestClient } from './ws.helpers.js';

/** A worker module whose authenticate blocks its worker's event loop: for good on `x-hang`, 2 s on `x-block`. */
const HANGING_MODULE = `
export default () => ({
  authenticate: (request) => {
    if (request.headers['x-hang'] === 'yes') for (;;);
    if (request.headers['x-block'] === 'yes') {
      const until = Date.now() + 2_000;
      while (Date.now() < until);
    }
    return true;
  },
});
`;

describe('serveFanout({ workers }) watchdog', () => {
  const servers: FanoutServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fanout-hang-'));

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(`kills and restarts a worker whose event loop a client blocked, after ${WORKER_DEFAULTS.unresponsiveMs} ms without a report, while the other worker's clients keep receiving`, async () => {
    const { server, errors } = await serveWithWorkerModule(
      join(dir, 'hanging.mjs'),
      HANGING_MODULE,
      servers,
      { mode: 'all' },
    );
    server.fanout.publish(tradeFactory({ symbol: 'AAPL', seq: 1 }));
    const watchers = await Promise.all(
      [1, 2].map(() => TestClient.open(`${server.url}?symbols=AAPL`)),
    );
    const hanging = new WebSocket(server.url, { headers: { 'x-hang': 'yes' } });
    hanging.on('error', () => {});

    for (let seq = 2; seq <= 5; seq++) {
      server.fanout.publish(tradeFactory({ symbol: 'AAPL', seq }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await eventually(
      () => watchers.some((w) => w.newest.get('AAPL') === 5),
      5_000,
      'a watcher on the other worker',
    );
    await eventually(
      () => server.metrics.workerRestarts === 1,
      20_000,
      'the hung worker restarted',
    );
    await eventually(() => server.metrics.workers === 2, 10_000, 'two workers again');
    expect(errors).toEqual([expect.objectContaining({ code: 'WORKER_UNRESPONSIVE' })]);
    expect(errors[0]).toBeInstanceOf(WorkerError);
    hanging.terminate();
    for (const watcher of watchers) watcher.close();
  });

  it(`stops and restarts a worker more than ${WORKER_DEFAULTS.maxForwardLagTrades} trades behind, so the queue for it stays bounded`, async () => {
    const { server, errors } = await serveWithWorkerModule(
      join(dir, 'blocking.mjs'),
      HANGING_MODULE,
      servers,
    );
    const watchers = await Promise.all(
      [1, 2].map(() => TestClient.open(`${server.url}?symbols=AAPL`)),
    );
    const blocking = new WebSocket(server.url, { headers: { 'x-block': 'yes' } });
    blocking.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 200));

    const flood = WORKER_DEFAULTS.maxForwardLagTrades + 10_000;
    for (let seq = 1; seq <= flood; seq += 1_000) {
      server.fanout.publish(
        Array.from({ length: 1_000 }, (_, i) => tradeFactory({ symbol: 'ZZZ', seq: seq + i })),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }

    await eventually(
      () => server.metrics.workerRestarts === 1,
      15_000,
      'the lagging worker restarted',
    );
    await eventually(() => server.metrics.workers === 2, 10_000, 'two workers again');
    expect(errors).toEqual([expect.objectContaining({ code: 'WORKER_BEHIND' })]);
    const closed = watchers.filter((w) => w.closeCode !== undefined);
    expect(closed.map((w) => w.closeCode)).toEqual(closed.map(() => 1012));
    blocking.terminate();
    for (const watcher of watchers) watcher.close();
  });
});
