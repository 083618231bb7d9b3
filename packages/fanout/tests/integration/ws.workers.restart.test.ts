import cluster from 'node:cluster';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKER_DEFAULTS } from '../../src/defaults.js';
import { WorkerError, WorkerRestartLimitError } from '../../src/errors.js';
import { type FanoutServer, serveFanout } from '../../src/transports/ws/serveFanout.js';
import { eventually } from './ws.helpers.js';

describe('serveFanout({ workers }) restarts', () => {
  const servers: FanoutServer[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
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
});
