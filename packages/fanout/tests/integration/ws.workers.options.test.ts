import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { WorkerError, WorkerOptionError } from '../../src/errors.js';
import { MemoryConnectionStore } from '../../src/stores/MemoryConnectionStore.js';
import { type FanoutServer, serveFanout } from '../../src/transports/ws/serveFanout.js';
import { eventually, serveWithWorkerModule, TestClient } from './ws.helpers.js';

/** A worker module: an API-key check, and a key that throws outside any handler (a crash). */
const WORKER_MODULE = `
export default () => ({
  authenticate: (request) => {
    const key = request.headers['x-api-key'];
    if (key === 'crash') setImmediate(() => { throw new Error('worker crashed on purpose'); });
    return key === 'good' || key === 'crash';
  },
});
`;

describe('serveFanout({ workers }) options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-workers-'));
  const servers: FanoutServer[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([0, -1, 1.5, Number.NaN, '2'])(
    'refuses workers: %s with a RangeError',
    async (workers) => {
      const serving = serveFanout({ workers: workers as number });

      await expect(serving).rejects.toThrow(RangeError);
      await expect(serving).rejects.toThrow(/workers must be an integer of at least 1 or 'auto'/);
    },
  );

  it.each([
    ['authenticate', { authenticate: () => true }],
    ['allowedOrigins', { allowedOrigins: (origin: string) => origin === 'https://a.example' }],
    ['server', { server: createServer() }],
    ['store', { store: new MemoryConnectionStore() }],
    ['clock', { clock: () => 0 }],
  ])('refuses %s, which cannot reach a worker process, naming it', async (option, options) => {
    const serving = serveFanout({ workers: 2, ...options });

    await expect(serving).rejects.toThrow(WorkerOptionError);
    await expect(serving).rejects.toMatchObject({ option, code: 'WORKER_OPTION' });
  });

  it('serves in this process with workers: 1 and reports one worker', async () => {
    const server = await serveFanout({ workers: 1 });
    servers.push(server);

    const snapshot = await server.refreshMetrics();

    expect(snapshot.workers).toBe(1);
    expect(snapshot.workerRestarts).toBe(0);
    expect(server.workerPids()).toEqual([process.pid]);
  });

  it("runs one worker per available core with workers: 'auto', and sends origin lists as data", async () => {
    const server = await serveFanout({ workers: 'auto', allowedOrigins: ['https://a.example'] });
    servers.push(server);

    const allowed = await TestClient.open(`${server.url}?symbols=AAPL`, {
      origin: 'https://a.example',
    });

    expect(server.workerPids()).toHaveLength(availableParallelism());
    expect((await server.refreshMetrics()).workers).toBe(availableParallelism());
    await allowed.waitFor(() => allowed.messages.length >= 1);
    await expect(TestClient.open(server.url, { origin: 'https://b.example' })).rejects.toThrow(
      'HTTP 403',
    );
    expect(() => server.fanout.connect('c1')).toThrow(/connections live in the worker processes/);
    allowed.close();
  });

  it('takes per-worker functions from workerModule, and restarts a worker whose uncaught exception closed its clients with 1012', async () => {
    const { server, errors } = await serveWithWorkerModule(
      join(dir, 'worker-options.mjs'),
      WORKER_MODULE,
      servers,
    );
    server.fanout.publish(tradeFactory({ symbol: 'AAPL', seq: 1 }));
    const good = await TestClient.open(`${server.url}?symbols=AAPL`, {
      headers: { 'x-api-key': 'good' },
    });
    await good.waitFor(() => good.messages.length >= 2, 10_000, 'subscribed and snapshot');

    await expect(TestClient.open(server.url)).rejects.toThrow('HTTP 401');
    const crashing = await TestClient.open(`${server.url}?symbols=AAPL`, {
      headers: { 'x-api-key': 'crash' },
    });

    await crashing.waitFor(() => crashing.closeCode !== undefined, 10_000, 'the crash close');
    expect(crashing.closeCode).toBe(1012);
    expect(crashing.closeReason).toBe('worker restarting');
    await eventually(
      () => server.metrics.snapshot().workerRestarts === 1 && server.metrics.workers === 2,
      20_000,
      'the restart',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(WorkerError);
    expect(errors[0]).toMatchObject({ errorName: 'Error', message: 'worker crashed on purpose' });
    good.close();
  });
});
