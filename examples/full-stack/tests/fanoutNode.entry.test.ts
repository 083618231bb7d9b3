import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { startLocalKinesis } from '@market-stream/sinks/local';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { alive } from '../../../tests/helpers/processes.js';
import { createActiveStream } from './helpers/fanoutNode.js';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(exampleDir, 'containers', 'fanout-node', 'node.mjs');

/** A port free on 127.0.0.1 whose next port is free too (the default METRICS_PORT). */
async function freePortPair(): Promise<number> {
  const listen = (port: number) =>
    new Promise<ReturnType<typeof createNetServer> | undefined>((resolve) => {
      const probe = createNetServer();
      probe.once('error', () => resolve(undefined));
      probe.listen(port, '127.0.0.1', () => resolve(probe));
    });
  const close = (probe: ReturnType<typeof createNetServer> | undefined) =>
    new Promise<void>((resolve) => (probe ? probe.close(() => resolve()) : resolve()));
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = await listen(0);
    const port = first === undefined ? 0 : (first.address() as AddressInfo).port;
    const next = await listen(port + 1);
    await close(first);
    await close(next);
    if (next !== undefined) return port;
  }
  throw new Error('no two consecutive free ports');
}

/** The JSON log lines the process wrote on stdout and stderr, as they arrive. */
function logsOf(child: ChildProcess): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        try {
          lines.push(JSON.parse(part) as Record<string, unknown>);
        } catch {
          // not a log line (a Node warning)
        }
      }
    });
  }
  return lines;
}

/** The node's "ready" log line, once written. */
function ready(logs: Array<Record<string, unknown>>): Record<string, unknown> | undefined {
  return logs.find((line) => line.msg === 'fan-out node ready');
}

/** Resolves once `predicate` holds (checked every 50 ms), rejects after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  for (const start = Date.now(); !predicate(); ) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the container fan-out node entry point (node node.mjs) with FANOUT_WORKERS=2', () => {
  // The project's local Kinesis, not kinesalite: the SDK's default Kinesis client, which the
  // entry point uses, speaks HTTP/2.
  let local: Awaited<ReturnType<typeof startLocalKinesis>>;
  let endpoint: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    local = await startLocalKinesis({ streamStateMs: 0 });
    endpoint = local.endpoint;
    const kinesis = new KinesisClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await createActiveStream(kinesis, 'entry');
    kinesis.destroy();
  });

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  afterAll(async () => {
    await local?.close();
  });

  /** Runs the entry point from the sources, as the container runs the built packages. */
  function run(env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', entry], {
      cwd: exampleDir,
      env: {
        PATH: process.env.PATH,
        AWS_ENDPOINT_URL_KINESIS: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
        FANOUT_WORKERS: '2',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  }

  it('serves /ws and /healthz from 2 workers on PORT, /metrics on PORT + 1, and on SIGTERM closes its clients with 1001 and exits 0 leaving no worker', async () => {
    // Arrange
    const port = await freePortPair();
    const node = run({ STREAM_NAME: 'entry', PORT: String(port) });
    const logs = logsOf(node);
    const exited = once(node, 'exit');
    await until(() => ready(logs) !== undefined, 60_000, 'ready');

    // Act
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    const metrics = await (await fetch(`http://127.0.0.1:${port + 1}/metrics`)).text();
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws?symbols=AAPL`);
    const clientClosed = once(client, 'close');
    await once(client, 'open');
    node.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    const [clientCode] = (await clientClosed) as [number];

    // Assert
    expect(ready(logs)).toMatchObject({ port, metricsPort: port + 1, workers: 2 });
    const workers = ready(logs)!.workerPids as number[];
    expect(workers).toHaveLength(2);
    expect(health.status).toBe(200);
    expect(metrics).toMatch(/^market_stream_fanout_workers 2$/m);
    expect(code).toBe(0);
    expect(clientCode).toBe(1001);
    await until(() => workers.every((pid) => !alive(pid)), 5_000, 'workers gone');
  });

  it('exits non-zero once its stream source fails, leaving no worker', async () => {
    // Arrange
    const port = await freePortPair();
    const node = run({ STREAM_NAME: 'no-such-stream', PORT: String(port) });
    const logs = logsOf(node);

    // Act
    const [code] = (await once(node, 'exit')) as [number | null];

    // Assert
    expect(code).toBe(1);
    expect(
      logs.find((line) => line.msg === 'node down; closing clients and refusing new ones'),
    ).toMatchObject({ reason: expect.stringMatching(/no-such-stream .*not found/) });
    const workers = ready(logs)!.workerPids as number[];
    expect(workers).toHaveLength(2);
    await until(() => workers.every((pid) => !alive(pid)), 5_000, 'workers gone');
  });
});
