import type { IncomingMessage, Server } from 'node:http';
import type { Fanout, FanoutOptions } from '../../engine/types.js';
import type { FanoutMetrics, FanoutMetricsSnapshot } from '../../metrics/FanoutMetrics.js';
import { serveSingle } from './serveSingle.js';
import { resolveWorkerCount } from './workers/resolveWorkerCount.js';
import { serveWorkers } from './workers/serveWorkers.js';

/**
 * Decides whether an upgrade request may connect. Return (or resolve) a truthy value to accept;
 * `false`, `undefined`, `null` or a throw refuses with 401. `createJwtVerifier()` returns one.
 *
 * @example
 * ```ts
 * import type { Authenticate } from '@market-stream/fanout';
 *
 * const authenticate: Authenticate = (request) => request.headers['x-api-key'] === process.env.KEY;
 * ```
 */
export type Authenticate = (request: IncomingMessage) => unknown;

/**
 * Options of {@link serveFanout}: the engine's options (without `transport`, which is the
 * `ws` server) and the server's own. Defaults live in `WS_DEFAULTS` and `ENGINE_DEFAULTS`.
 *
 * @example
 * ```ts
 * import type { ServeFanoutOptions } from '@market-stream/fanout';
 *
 * const options: ServeFanoutOptions = { port: 8080, source: trades$, mode: 'all' };
 * ```
 */
export interface ServeFanoutOptions extends Omit<FanoutOptions, 'transport'> {
  /**
   * Port to listen on (`0` picks a free one). Ignored when `server` is given.
   * @default 0
   */
  port?: number;
  /**
   * Interface to listen on. Ignored when `server` is given.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Path upgrades are accepted on (compared with the request target's parsed pathname). An
   * upgrade for another path gets 404 when nobody else serves it, i.e. when every `upgrade`
   * listener on the server, at the time of the request, is a `serveFanout` serving some other
   * path (always the case on a server of our own). When the shared `server` has another
   * `upgrade` listener, or another `serveFanout` on that path, the socket is left to it; if it
   * has still written nothing to that socket when `close()` runs, `close()` destroys it.
   * @default '/ws'
   */
  path?: string;
  /** An existing HTTP server to share (e.g. one that serves the page and `/metrics`). */
  server?: Server;
  /** Checks credentials before the upgrade is accepted; refusal answers 401. */
  authenticate?: Authenticate;
  /**
   * Browser origins allowed to connect (exact `Origin` values, or a predicate); others get 403.
   * Requests without an `Origin` header (non-browser clients) pass; use `authenticate` for them.
   * @default every origin
   */
  allowedOrigins?: readonly string[] | ((origin: string) => boolean);
  /**
   * Largest frame a client may send, bytes; larger ones close the socket with 1009.
   * @default 65536
   */
  maxPayload?: number;
  /**
   * Interval of protocol pings, ms; a socket that missed the previous pong is terminated.
   * `0` turns heartbeats off.
   * @default 30000
   */
  heartbeatIntervalMs?: number;
  /**
   * Bytes buffered on a socket above which it is treated as a slow consumer.
   * @default 1048576
   */
  highWaterMark?: number;
  /**
   * Path a load balancer's health check can `GET` (or `HEAD`) on the serving port: 200
   * `{"status":"ok", ...}` with the answering process's `metrics.snapshot()` while it serves,
   * 503 `{"status":"closing"}` once `close()` started. With `workers`, each worker answers for
   * itself, so a check reaches whichever worker cluster hands it to, and the port stops
   * answering once every worker has closed. Other plain HTTP requests keep their 426. Ignored
   * when `server` is given (answer health checks on your own server).
   * @default - none: every plain HTTP request is 426
   */
  healthPath?: string;
  /**
   * Processes that hold the connections. `1` serves in this process (no fork, no cost);
   * more (or `'auto'`: `os.availableParallelism()`) forks that many `node:cluster` workers on
   * the one port: the source is read once, here, and its trades forwarded to every worker; each
   * worker runs the engine for its own clients. Options must then cross a process boundary as
   * data: functions (`authenticate`, a predicate `allowedOrigins`), `server`, `store`,
   * `scheduler` and `clock` are refused with a `WorkerOptionError`; give per-worker ones
   * through `workerModule`. See the package README, "Workers".
   * @default 1
   */
  workers?: number | 'auto';
  /**
   * With `workers` above 1: a module (path or `file:` URL) each worker imports; its default
   * export is a function returning (or resolving to) the {@link WorkerModuleOptions} that cannot
   * be sent to a worker, e.g. `{ authenticate: createJwtVerifier({ secret }) }`.
   */
  workerModule?: string | URL;
}

/**
 * The options a `workerModule` provides to each worker process of `serveFanout({ workers })`:
 * those that cannot be sent to another process.
 *
 * @example
 * ```ts
 * // fanout-worker.ts, passed as serveFanout({ workers: 'auto', workerModule: new URL('./fanout-worker.js', import.meta.url) })
 * import type { WorkerModuleOptions } from '@market-stream/fanout';
 *
 * export default (): WorkerModuleOptions => ({
 *   authenticate: (request) => request.headers['x-api-key'] === process.env.API_KEY,
 * });
 * ```
 */
export type WorkerModuleOptions = Pick<
  ServeFanoutOptions,
  'authenticate' | 'allowedOrigins' | 'store' | 'clock'
>;

/**
 * What {@link serveFanout} resolves to.
 *
 * @example
 * ```ts
 * import type { FanoutServer } from '@market-stream/fanout';
 *
 * function report(server: FanoutServer): string {
 *   return `${server.url}: ${server.metrics.connections} clients`;
 * }
 * ```
 */
export interface FanoutServer {
  /** The port listened on (the real one when `port` was 0). */
  port: number;
  /** `ws://host:port/path`. */
  url: string;
  /**
   * The engine's live figures (`toPrometheus()` for `/metrics`); with `workers`, one
   * `MergedFanoutMetrics` over every worker's (as of its last report).
   */
  metrics: FanoutMetrics;
  /**
   * The engine, e.g. to `attach` more sources or `publish` trades. With `workers`, a forwarding
   * one: `attach`, `publish` and `flush` reach every worker; connection calls throw
   * `ConnectionsInWorkersError`.
   */
  fanout: Fanout;
  /**
   * Asks every worker for its metrics now (waits at most `WORKER_DEFAULTS.reportTimeoutMs`) and
   * resolves to the snapshot; in one process, the snapshot at once.
   */
  refreshMetrics(): Promise<FanoutMetricsSnapshot>;
  /** Pids of the processes holding connections: this one, or the live workers. */
  workerPids(): number[];
  /**
   * Closes every client with 1001, stops the engine and the server it created; with `workers`,
   * stops reading the source, has each worker do that and waits for them to exit (killing one
   * that takes longer than `WORKER_DEFAULTS.closeTimeoutMs`). Resolves when done.
   */
  close(): Promise<void>;
}

/**
 * Serves the fan-out engine over WebSocket with the `ws` library: the transport of local runs
 * and container fan-out nodes.
 *
 * Guarantees: the wire protocol and delivery guarantees of `createFanout`. `?symbols=AAPL,TSLA`
 * on the URL subscribes on connect; `?mode=all|latest` picks the connection's delivery mode.
 * Upgrades are checked before they are accepted, and no request target, header or client reset
 * can crash the process: a target that cannot be parsed as a URL (`//`, `http://[`) is 400 on
 * any server, shared or not; a path nobody serves 404 (see `path` for the shared-server rule);
 * an upgrade while `close()` runs 503; a disallowed `Origin` 403; a refused `authenticate` 401.
 * A client offering the `bearer` subprotocol gets it selected. Heartbeat pings terminate
 * sockets that stopped answering; a socket whose `bufferedAmount` exceeds `highWaterMark` is a
 * slow consumer to the engine.
 * `close()` first destroys every upgrade socket that is not a WebSocket yet (pending
 * `authenticate`, being refused, or left unanswered to another listener), so it never waits on
 * them; then it sends 1001 to every client, waits up to 2 s for their close handshakes, and
 * terminates the rest.
 *
 * With `workers` above 1, every guarantee holds per worker, and a client's bad input, flood or
 * disappearance reaches no other worker. A worker that exits is restarted (at most
 * `WORKER_DEFAULTS.maxRestartsPerMinute` a minute) and primed with the newest trade of every
 * symbol, so snapshots stay full; one stopped by SIGTERM or an uncaught exception first closes
 * its clients with 1012 "worker restarting", so they reconnect at once.
 *
 * @param options - See {@link ServeFanoutOptions}.
 * @returns The running server.
 * @throws RangeError when `workers` is not a positive integer or `'auto'`.
 * @throws WorkerOptionError when `workers` is above 1 and an option cannot reach a worker.
 *
 * @example
 * ```ts
 * import { serveFanout } from '@market-stream/fanout';
 * import { simulateTrades } from '@market-stream/simulator';
 *
 * const server = await serveFanout({ port: 8080, source: simulateTrades({ symbols: ['AAPL', 'TSLA'] }) });
 * console.log(`clients connect to ${server.url}?symbols=AAPL`);
 * process.on('SIGTERM', () => server.close());
 * ```
 */
export async function serveFanout(options: ServeFanoutOptions = {}): Promise<FanoutServer> {
  const workers = resolveWorkerCount(options.workers);
  return workers === 1 ? serveSingle(options) : serveWorkers(options, workers);
}
