import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { BEARER_PROTOCOL } from '../../auth/extractToken.js';
import { WS_DEFAULTS } from '../../defaults.js';
import { createFanout } from '../../engine/createFanout.js';
import type { DeliveryMode } from '../../types.js';
import { createRequestListener } from './createRequestListener.js';
import { createUpgradeGate } from './createUpgradeGate.js';
import type { Authenticate, FanoutServer, ServeFanoutOptions } from './serveFanout.js';
import { WsTransport } from './WsTransport.js';

/** A {@link FanoutServer} in this process, that can also close its clients with another code. */
export interface SingleFanoutServer extends FanoutServer {
  /** `close()`, sending `code` and `reason` to every client instead of 1001. */
  closeWith(code: number, reason: string): Promise<void>;
}

/**
 * `serveFanout()` in this process (`workers: 1`), and what each worker process of
 * `serveFanout({ workers })` runs. Internal: see {@link serveFanout} for the guarantees.
 */
export async function serveSingle(options: ServeFanoutOptions): Promise<SingleFanoutServer> {
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
    healthPath,
    workers: _workers,
    workerModule: _workerModule,
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

  const server =
    shared ??
    createServer(
      createRequestListener({
        healthPath,
        isClosing: () => closing,
        snapshot: () => fanout.metrics.snapshot(),
      }),
    );
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
  const closeWith = (code: number, reason: string) => {
    closed ??= (async () => {
      closing = true;
      if (heartbeat) clearInterval(heartbeat);
      gate.destroyLeftovers();
      await fanout.close();
      await closeSockets([...transport.all()], code, reason);
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
  };
  return {
    port: address.port,
    url: `ws://${urlHost}:${address.port}${path}`,
    metrics: fanout.metrics,
    fanout,
    refreshMetrics: async () => fanout.metrics.snapshot(),
    workerPids: () => [process.pid],
    close: () => closeWith(WS_DEFAULTS.closeCode, WS_DEFAULTS.closeReason),
    closeWith,
  };
}

async function closeSockets(sockets: WebSocket[], code: number, reason: string): Promise<void> {
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
          socket.close(code, reason);
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
