import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { BEARER_PROTOCOL } from '../../auth/extractToken.js';
import { WS_DEFAULTS } from '../../defaults.js';
import { createFanout } from '../../engine/createFanout.js';
import type { Fanout, FanoutOptions } from '../../engine/types.js';
import type { FanoutMetrics } from '../../metrics/FanoutMetrics.js';
import type { DeliveryMode } from '../../types.js';
import { createUpgradeGate } from './createUpgradeGate.js';
import { WsTransport } from './WsTransport.js';

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
}

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
  /** The port listened on. */
  port: number;
  /** `ws://host:port/path`. */
  url: string;
  /** The engine's live figures (`toPrometheus()` for `/metrics`). */
  metrics: FanoutMetrics;
  /** The engine, e.g. to `attach` more sources or `publish` trades. */
  fanout: Fanout;
  /** Closes every client with 1001, stops the engine and the server it created; resolves when done. */
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
 * @param options - See {@link ServeFanoutOptions}.
 * @returns The running server.
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
  const {
    port = WS_DEFAULTS.port,
    host = WS_DEFAULTS.host,
    path = WS_DEFAULTS.path,
    server: shared,
    authenticate,
    allowedOrigins,
    maxPayload = WS_DEFAULTS.maxPayload,
    heartbeatIntervalMs = WS_DEFAULTS.heartbeatIntervalMs,
    highWaterMark = WS_DEFAULTS.highWaterMark,
    ...engineOptions
  } = options;

  const transport = new WsTransport({ highWaterMark });
  const fanout = createFanout({ ...engineOptions, transport });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) =>
      protocols.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : (protocols.values().next().value ?? false),
  });
  const alive = new WeakSet<WebSocket>();
  const originAllowed = toOriginCheck(allowedOrigins);
  let closing = false;

  const accept = (socket: WebSocket, url: URL) => {
    const id = randomUUID();
    const modeParam = url.searchParams.get('mode');
    const mode: DeliveryMode | undefined =
      modeParam === 'all' || modeParam === 'latest' ? modeParam : undefined;
    alive.add(socket);
    transport.add(id, socket);
    socket.on('pong', () => alive.add(socket));
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      fanout.handleMessage(id, toText(data));
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      transport.delete(id);
      fanout.disconnect(id);
    });
    fanout.connect(id, { symbols: url.searchParams.get('symbols') ?? undefined, mode });
  };

  const server = shared ?? createServer((_, response) => response.writeHead(426).end());
  const gate = createUpgradeGate({
    server,
    path,
    originAllowed,
    authorize: (request) => checkAuth(authenticate, request),
    isClosing: () => closing,
    upgrade: (request, socket, head, target) =>
      wss.handleUpgrade(request, socket, head, (ws) => accept(ws, target)),
  });
  server.on('upgrade', gate.listener);
  if (!shared) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } else if (!shared.listening) {
    await new Promise<void>((resolve) => shared.once('listening', resolve));
  }

  const heartbeat =
    heartbeatIntervalMs > 0
      ? setInterval(() => {
          for (const socket of transport.all()) {
            if (!alive.has(socket)) {
              socket.terminate();
              continue;
            }
            alive.delete(socket);
            socket.ping();
          }
        }, heartbeatIntervalMs)
      : undefined;
  heartbeat?.unref();

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    port: address.port,
    url: `ws://${urlHost}:${address.port}${path}`,
    metrics: fanout.metrics,
    fanout,
    close: () => {
      closed ??= (async () => {
        closing = true;
        if (heartbeat) clearInterval(heartbeat);
        gate.destroyLeftovers();
        await fanout.close();
        await closeSockets([...transport.all()]);
        // Upgrades that arrived meanwhile were answered 503; the listener goes only now.
        server.off('upgrade', gate.listener);
        gate.destroyLeftovers();
        wss.close();
        if (!shared) {
          server.closeAllConnections?.();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
      })();
      return closed;
    },
  };
}

async function closeSockets(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          const timer = setTimeout(() => socket.terminate(), 2_000);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.close(WS_DEFAULTS.closeCode, WS_DEFAULTS.closeReason);
        }),
    ),
  );
}

async function checkAuth(
  authenticate: Authenticate | undefined,
  request: IncomingMessage,
): Promise<boolean> {
  if (authenticate === undefined) return true;
  try {
    return Boolean(await authenticate(request));
  } catch {
    return false;
  }
}

function toOriginCheck(allowed: ServeFanoutOptions['allowedOrigins']): (origin: string) => boolean {
  if (allowed === undefined) return () => true;
  if (typeof allowed === 'function') return allowed;
  const set = new Set(allowed);
  return (origin) => set.has(origin);
}

function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
