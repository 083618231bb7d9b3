// A container fan-out node: every node reads the whole stream and serves its own WebSocket
// clients on PORT at /ws; the load balancer health-checks /healthz. Configured by
// ContainerFanoutService through the environment: with STREAM_CONSUMER_PREFIX set, the node
// reads by push through an enhanced fan-out consumer of its own, `<prefix>-<ECS task id>`,
// registered at start and deregistered when it stops; without it, it polls. FANOUT_WORKERS (a
// positive integer or `auto`, default 1) is the processes holding the clients: with more than
// one, the node forks cluster workers on PORT and serves /metrics and its own /healthz on
// METRICS_PORT (default PORT + 1), kept private. `node node.mjs` runs it; tests import
// `startFanoutNode` and run it in-process against kinesalite (or the project's local Kinesis
// endpoint for push).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import {
  DeregisterStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { serveFanout, WorkerRestartLimitError } from '@market-stream/fanout';
import { fromKinesis } from '@market-stream/sinks';
import { share, tap } from 'rxjs';

/**
 * Starts a fan-out node: reads `streamName` from its latest records and serves WebSocket
 * clients at `/ws`, `GET /healthz` (JSON) and `GET /metrics` (Prometheus text). With
 * `consumerName` it reads by push (enhanced fan-out) through that stream consumer, registering
 * it, and `close()` deregisters it before it resolves; without, it polls with GetRecords.
 *
 * Cores (`workers`): with 1 (the default) everything is served by this process on `port`. With
 * more (or `'auto'`, one per available core) the clients are held by that many cluster workers
 * on `port` (`serveFanout({ workers })`): the stream is still read once, here, and forwarded to
 * them. A worker answers `/healthz` on `port` for itself (200 while it serves, so the load
 * balancer's check reaches one of them); this process serves the workers' merged `/metrics` and
 * the node's `/healthz` (with the `down` reason below) on `metricsPort`, which the load balancer
 * does not reach. Workers cannot share the HTTP server of one port with this process, hence the
 * second port.
 *
 * A node whose stream source fails (an error, e.g. the stream was deleted or access was
 * revoked, or the end of the stream) is of no use to its clients and will not recover by
 * itself: every client is closed with 1001 (so it reconnects to a healthy node and recovers with
 * `since`), `/healthz` answers 503 with the reason (so the load balancer stops routing to it) and
 * new upgrades are refused with 503 — with workers, the workers close, so `port` stops
 * answering altogether — and `failed` resolves with the reason: the entry point then exits
 * non-zero and ECS replaces the task. Workers that crash faster than they may be restarted
 * (`WorkerRestartLimitError`) fail the node the same way. Resubscribing in place was not chosen:
 * a fresh read from `latest` would skip the records in between without telling the clients,
 * and a stream that is gone would keep a useless node "healthy".
 *
 * @param {object} options
 * @param {string} options.streamName - The Kinesis stream (`STREAM_NAME`).
 * @param {number} [options.port=8080] - Port to listen on (`PORT`); 0 picks a free one.
 * @param {string} [options.host='0.0.0.0'] - Interface to listen on.
 * @param {'all' | 'latest'} [options.mode='latest'] - Delivery mode (`FANOUT_MODE`).
 * @param {KinesisClient} [options.kinesis] - The Kinesis client (default: from the environment).
 * @param {string} [options.consumerName] - Read by push through this stream consumer, unique to
 *   this node (see `consumerNameFor`); it counts against the stream's 20 consumers.
 * @param {number | 'auto'} [options.workers=1] - Processes holding the clients
 *   (`FANOUT_WORKERS`, see `workersFromEnv`).
 * @param {number} [options.metricsPort] - With more than one worker, the port of `/metrics`
 *   and the node's `/healthz` (`METRICS_PORT`); default `port + 1`, or a free one when `port`
 *   is 0. With one, `port` serves them.
 * @returns {Promise<{ port: number, metricsPort: number, failed: Promise<string>,
 *   fanout: import('@market-stream/fanout').FanoutServer, close(): Promise<void> }>} `fanout`
 *   is the `serveFanout` server (its metrics, `workerPids()`).
 *
 * @example
 * const node = await startFanoutNode({ streamName: 'trades', port: 8080, workers: 4 });
 * node.failed.then(() => node.close()).finally(() => process.exit(1));
 */
export async function startFanoutNode({
  streamName,
  port = 8080,
  host = '0.0.0.0',
  mode = 'latest',
  kinesis = new KinesisClient({}),
  consumerName,
  workers = 1,
  metricsPort,
}) {
  const count = workers === 'auto' ? availableParallelism() : workers;
  let down; // why the node is down, once it is
  let fanout;
  let reportFailure;
  const failed = new Promise((resolve) => {
    reportFailure = resolve;
  });

  const fail = (problem) => {
    if (down !== undefined) return;
    down = problem;
    log('error', 'node down; closing clients and refusing new ones', { reason: down });
    if (fanout) shutDown();
  };
  const shutDown = () => {
    // close() removes serveFanout's upgrade listener at once; refuse from then on, no gap.
    // With workers there is no listener here: the workers close and the port goes with them.
    const closing = fanout.close();
    if (count === 1) server.on('upgrade', refuseUpgrade);
    closing.then(() => reportFailure(down));
  };

  const trades$ = fromKinesis({
    client: kinesis,
    streamName,
    from: 'latest',
    ...(consumerName ? { consumer: { name: consumerName, deregister: true } } : {}),
  }).pipe(
    tap({
      error: (error) => fail(`source error: ${describe(error)}`),
      complete: () => fail('source ended: every shard of the stream is closed'),
    }),
    share(),
  );

  // Port's server with one process; the private admin server (metricsPort) with workers.
  const server = createServer((request, response) => {
    answerStatus(request, response, { down: () => down, fanout: () => fanout }).catch(() =>
      response.destroy(),
    );
  });
  const serverPort = count === 1 ? port : (metricsPort ?? (port === 0 ? 0 : port + 1));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(serverPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const onError = (error) => {
    if (error instanceof WorkerRestartLimitError) fail(`workers: ${describe(error)}`);
    else log('warn', 'fan-out error', { reason: describe(error) });
  };
  try {
    fanout = await serveFanout(
      count === 1
        ? { server, path: '/ws', source: trades$, mode, onError }
        : {
            port,
            host,
            path: '/ws',
            healthPath: '/healthz',
            workers: count,
            source: trades$,
            mode,
            onError,
          },
    );
  } catch (error) {
    server.close();
    throw error;
  }
  // The source may have failed before serveFanout returned.
  if (down !== undefined) shutDown();
  log('info', 'fan-out node ready', {
    port: fanout.port,
    workers: count,
    ...(count === 1 ? {} : { metricsPort: server.address().port, workerPids: fanout.workerPids() }),
    mode,
    read: consumerName ? `push (consumer ${consumerName})` : 'poll',
  });

  let closing;
  return {
    port: fanout.port,
    metricsPort: server.address().port,
    failed,
    fanout,
    close: () => {
      closing ??= (async () => {
        await fanout.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(() => resolve()));
        if (consumerName) await deregisterConsumer(kinesis, streamName, consumerName);
      })();
      return closing;
    },
  };
}

/**
 * `FANOUT_WORKERS` as the `workers` of {@link startFanoutNode}: unset or empty is 1, `auto` is
 * one per available core, else a positive integer.
 *
 * @param {string | undefined} value - The variable's value.
 * @returns {number | 'auto'}
 * @throws {RangeError} on anything else, so a typo stops the task at start, not at load.
 *
 * @example
 * const workers = workersFromEnv(process.env.FANOUT_WORKERS);
 */
export function workersFromEnv(value) {
  const text = value?.trim() ?? '';
  if (text === '') return 1;
  if (text === 'auto') return 'auto';
  if (/^[1-9][0-9]*$/.test(text)) return Number(text);
  throw new RangeError(`FANOUT_WORKERS must be a positive integer or 'auto', got '${value}'`);
}

/**
 * Answers `GET /healthz` (200 `{"status":"ok", ...metrics}` or 503 `{"status":"down", reason}`)
 * and `GET /metrics` (Prometheus text; with workers, their merged figures asked for now);
 * anything else 404.
 */
async function answerStatus(request, response, { down, fanout }) {
  if (request.url === '/healthz') {
    const reason = down();
    const body =
      reason === undefined
        ? { status: 'ok', ...(await fanout()?.refreshMetrics()) }
        : { status: 'down', reason };
    response.writeHead(reason === undefined ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  } else if (request.url === '/metrics') {
    await fanout()?.refreshMetrics();
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(fanout()?.metrics.toPrometheus() ?? '');
  } else {
    response.writeHead(404).end();
  }
}

/**
 * A stream consumer name unique to this task: `<prefix>-<ECS task id>` from the task metadata
 * endpoint (so a leftover consumer names the task that left it), or `<prefix>-<random id>`
 * outside ECS. Kinesis allows `[a-zA-Z0-9_.-]`, at most 128 characters.
 *
 * @param {string} prefix - `STREAM_CONSUMER_PREFIX`.
 * @returns {Promise<string>}
 *
 * @example
 * const name = await consumerNameFor(process.env.STREAM_CONSUMER_PREFIX);
 */
export async function consumerNameFor(prefix) {
  let id;
  const metadata = process.env.ECS_CONTAINER_METADATA_URI_V4;
  if (metadata) {
    try {
      const task = await (await fetch(`${metadata}/task`)).json();
      id = String(task.TaskARN ?? '')
        .split('/')
        .pop();
    } catch (error) {
      log('warn', 'no ECS task id; naming the consumer with a random id', {
        reason: describe(error),
      });
    }
  }
  id ||= randomUUID().replaceAll('-', '');
  return `${prefix}-${id}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 128);
}

/**
 * Deregisters this node's consumer and waits for the answer, so the task does not exit with
 * the request in flight and leave the consumer (billed per shard-hour, one of the stream's 20)
 * behind. The reader's own `deregister: true` may have done it already: "not found" and
 * "being deleted" are success here.
 */
async function deregisterConsumer(kinesis, streamName, consumerName) {
  try {
    const summary = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    await kinesis.send(
      new DeregisterStreamConsumerCommand({
        StreamARN: summary.StreamDescriptionSummary?.StreamARN,
        ConsumerName: consumerName,
      }),
    );
    log('info', 'stream consumer deregistered', { consumer: consumerName });
  } catch (error) {
    if (error?.name === 'ResourceNotFoundException' || error?.name === 'ResourceInUseException') {
      return;
    }
    log('error', 'could not deregister the stream consumer; deregister it by hand', {
      consumer: consumerName,
      reason: describe(error),
    });
  }
}

function refuseUpgrade(_request, socket) {
  socket.on('error', () => {});
  socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

function describe(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function log(level, msg, fields = {}) {
  const line = JSON.stringify({ level, msg, ...fields });
  if (level === 'info') console.log(line);
  else console.error(line);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const streamName = process.env.STREAM_NAME;
  if (!streamName) throw new Error('STREAM_NAME is required');
  const prefix = process.env.STREAM_CONSUMER_PREFIX;
  const node = await startFanoutNode({
    streamName,
    port: Number(process.env.PORT ?? 8080),
    mode: process.env.FANOUT_MODE === 'all' ? 'all' : 'latest',
    workers: workersFromEnv(process.env.FANOUT_WORKERS),
    ...(process.env.METRICS_PORT ? { metricsPort: Number(process.env.METRICS_PORT) } : {}),
    consumerName: prefix ? await consumerNameFor(prefix) : undefined,
  });
  // Non-zero: ECS counts the task as failed and starts a replacement (with a consumer of its
  // own, so this one is deregistered first).
  node.failed.then(() => node.close()).finally(() => process.exit(1));
  // ECS stops a task with SIGTERM (to this process only: the workers are its children): close
  // clients with 1001 so they reconnect to another node, and deregister the consumer, well
  // within ECS's 30 s before SIGKILL.
  process.once('SIGTERM', () => node.close().finally(() => process.exit(0)));
}
