import cluster from 'node:cluster';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { WORKER_DEFAULTS } from '../../src/defaults.js';
import { WorkerError, WorkerRestartLimitError } from '../../src/errors.js';
import { type FanoutServer, serveFanout } from '../../src/transports/ws/serveFanout.js';
import { eventually, TestClient } from './ws.helpers.js';

/** A worker module whose authenticate blocks its worker's event loop for good on `x-hang`. */
const HANGING_MODULE = `
export default () => ({
  authenticate: (request) => {
    if (request.headers['x-hang'] === 'yes') for (;;);
    return true;
  },
});
`;

describe('serveFanout({ workers }) restarts', () => {
  const servers: FanoutServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fanout-hang-'));

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects with the worker’s error when the workers cannot listen, leaving no worker behind', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };

    const serving = serveFanout({ workers: 2, port });

    await expect(serving).rejects.toThrow(WorkerError);
    await expect(serving).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await eventually(() => Object.keys(cluster.workers ?? {}).length === 0, 5_000, 'no workers');
    await new Promise((resolve) => taken.close(resolve));
  });

  it(`restarts exited workers ${WORKER_DEFAULTS.maxRestartsPerMinute} times a minute, then reports WorkerRestartLimitError and leaves the worker down`, async () => {
    const errors: unknown[] = [];
    const server = await serveFanout({ workers: 2, onError: (error) => errors.push(error) });
    servers.push(server);

    for (let restart = 1; restart <= WORKER_DEFAULTS.maxRestartsPerMinute; restart++) {
      process.kill(server.workerPids()[0]!, 'SIGKILL');
      await eventually(
        () => server.metrics.workerRestarts === restart && server.metrics.workers === 2,
        10_000,
        `restart ${restart}`,
      );
    }
    process.kill(server.workerPids()[0]!, 'SIGKILL');
    await eventually(() => errors.length === 1, 10_000, 'the restart limit');

    expect(errors[0]).toBeInstanceOf(WorkerRestartLimitError);
    expect(errors[0]).toMatchObject({ signal: 'SIGKILL', restarts: 10 });
    expect(server.workerPids()).toHaveLength(1);
    expect(server.metrics.snapshot()).toMatchObject({ workers: 1, workerRestarts: 10 });
  });

  it(`kills and restarts a worker whose event loop a client blocked, after ${WORKER_DEFAULTS.unresponsiveMs} ms without a report, while the other worker's clients keep receiving`, async () => {
    const module = join(dir, 'hanging.mjs');
    writeFileSync(module, HANGING_MODULE);
    const errors: unknown[] = [];
    const server = await serveFanout({
      workers: 2,
      mode: 'all',
      workerModule: pathToFileURL(module),
      onError: (error) => errors.push(error),
    });
    servers.push(server);
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
});
