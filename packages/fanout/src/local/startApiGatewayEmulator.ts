import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import type {
  WebSocketEvent,
  WebSocketHandler,
  WebSocketResult,
} from '../lambda/webSocketEvents.js';
import { refuseUpgrade } from '../transports/ws/refuseUpgrade.js';
import { decodePathSegment, parseRequestTarget } from '../transports/ws/requestTarget.js';
import {
  type ApiIdentity,
  connectEvent,
  newConnectionId,
  requestContext,
} from './apiGatewayEvents.js';
import {
  type ConnectionsApiCounters,
  type ConnectionsApiHost,
  type EmulatedConnection,
  handleConnectionsRequest,
} from './connectionsApi.js';

/**
 * Options of {@link startApiGatewayEmulator}.
 *
 * @example
 * ```ts
 * import type { ApiGatewayEmulatorOptions } from '@market-stream/fanout/local';
 *
 * const options: ApiGatewayEmulatorOptions = {
 *   handlers: { message: { $default: async () => ({ statusCode: 200 }) } },
 * };
 * ```
 */
export interface ApiGatewayEmulatorOptions {
  /**
   * TCP port; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Interface to listen on. Keep it on loopback: the management API checks no signatures.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Stage name: the WebSocket URL is `ws://host:port/{stage}` and the management endpoint
   * `http://host:port/{stage}`.
   * @default 'local'
   */
  stage?: string;
  /**
   * Route handlers. `message` maps a route key (the `action` of a JSON frame, per the route
   * selection expression `$request.body.action`) to its handler; frames that match no key go
   * to `$default`, and without one the client gets API Gateway's `Forbidden` reply.
   */
  handlers: {
    connect?: WebSocketHandler;
    disconnect?: WebSocketHandler;
    message: Record<string, WebSocketHandler>;
  };
  /**
   * The API id reported in events.
   * @default 'local'
   */
  apiId?: string;
  /**
   * Called with any error a handler throws (API Gateway logs it; the client sees an error
   * frame for messages, a 500 for `$connect`).
   * @default console.error
   */
  onHandlerError?: (error: unknown, event: WebSocketEvent) => void;
}

/**
 * Counts kept by the emulator's management API.
 *
 * @example
 * ```ts
 * import type { ApiGatewayEmulatorStats } from '@market-stream/fanout/local';
 *
 * function postsPerConnection(stats: ApiGatewayEmulatorStats): number {
 *   return stats.posts / Math.max(1, stats.postsByConnection.size);
 * }
 * ```
 */
export interface ApiGatewayEmulatorStats {
  /** PostToConnection requests received (every attempt, including throttled and gone). */
  readonly posts: number;
  /** Posts that reached an open client. */
  readonly delivered: number;
  /** Posts and other requests answered 410 GoneException. */
  readonly gone: number;
  /** Posts answered 429 LimitExceededException (see `throttleNext`). */
  readonly throttled: number;
  /** The most PostToConnection requests open at the same time. */
  readonly maxConcurrentPosts: number;
  /** PostToConnection requests per connection id. */
  readonly postsByConnection: ReadonlyMap<string, number>;
}

/**
 * A running emulator.
 *
 * @example
 * ```ts
 * import type { ApiGatewayEmulator } from '@market-stream/fanout/local';
 *
 * async function stop(emulator: ApiGatewayEmulator): Promise<void> {
 *   await emulator.close();
 * }
 * ```
 */
export interface ApiGatewayEmulator {
  /** WebSocket URL clients connect to: `ws://host:port/{stage}`. */
  readonly url: string;
  /** `endpoint` for `ApiGatewayManagementApiClient`: `http://host:port/{stage}`. */
  readonly managementEndpoint: string;
  /** The port listened on. */
  readonly port: number;
  /** Ids of the connections open now. */
  connectionIds(): string[];
  /** Counters of the management API since start (or the last `resetStats`). */
  stats(): ApiGatewayEmulatorStats;
  /** Zeroes the counters. */
  resetStats(): void;
  /** Answers the next `count` PostToConnection requests with 429 LimitExceededException. */
  throttleNext(count: number): void;
  /**
   * Closes every client (1001) and the server; `$disconnect` is not invoked for them. Upgrades
   * not yet accepted (`$connect` still running, or being refused) are dropped.
   */
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for an API Gateway WebSocket API on loopback: it accepts WebSocket
 * clients, invokes the route handlers with API Gateway-shaped events (`requestContext` with
 * `routeKey`, `eventType`, `connectionId`, `domainName`, `stage`, `apiId`; `headers` and
 * `queryStringParameters` on `$connect`; `body` and `isBase64Encoded` on messages), and
 * serves the `@connections` management API (POST send, GET info, DELETE disconnect) so the
 * real `@aws-sdk/client-apigatewaymanagementapi` client works against it unchanged.
 *
 * Behaviour copied from API Gateway: a `$connect` result outside 2xx (or a throw, as 500)
 * refuses the upgrade with that HTTP status; a `Sec-WebSocket-Protocol` header in the
 * `$connect` result selects the subprotocol; `$disconnect` runs once per connection after it
 * closes, whoever closed it; frames over 128 KB close the connection with 1009; a
 * PostToConnection to a closed or unknown id is a 410 GoneException; a payload over 128 KB is
 * a 413 PayloadTooLargeException; a request target that cannot be parsed (`//`, `http://[`) or
 * a stage or connection id that is not valid percent-encoded UTF-8 (`/%E0%A4%A/…`) is a 400
 * (BadRequestException on the management API), an upgrade to any path but the stage a 404.
 * No request, header or client reset can crash the process. Differences: messages of one connection are handled one
 * at a time in arrival order (API Gateway may run them concurrently); route responses are
 * not sent back (the handlers reply through `@connections`); signatures, the 2-hour and
 * 10-minute idle limits and the account rate limit are not enforced (use `throttleNext` to
 * exercise 429 handling).
 *
 * Why not an existing package: serverless-offline emulates WebSocket APIs only as a plugin
 * of the Serverless Framework CLI (configured by serverless.yml, not started from code),
 * LocalStack's API Gateway v2 WebSocket support is in its paid image and needs Docker, and
 * `local-aws-api-gateway` is a global CLI driven by mapping files with no stage path, so
 * none can be started in-process by a test with handler functions.
 *
 * @param options - Handlers, port, stage; see {@link ApiGatewayEmulatorOptions}.
 * @returns The running emulator, once it listens.
 *
 * @example
 * ```ts
 * import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
 * import { startApiGatewayEmulator } from '@market-stream/fanout/local';
 * import WebSocket from 'ws';
 *
 * const emulator = await startApiGatewayEmulator({
 *   handlers: {
 *     message: {
 *       $default: async (event) => {
 *         const client = new ApiGatewayManagementApiClient({
 *           endpoint: emulator.managementEndpoint, region: 'us-east-1',
 *           credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
 *         });
 *         await client.send(new PostToConnectionCommand({
 *           ConnectionId: event.requestContext.connectionId, Data: `echo ${event.body}`,
 *         }));
 *       },
 *     },
 *   },
 * });
 * const socket = new WebSocket(emulator.url);
 * socket.on('open', () => socket.send('hello'));
 * socket.on('message', async (data) => { console.log(String(data)); socket.close(); await emulator.close(); });
 * ```
 */
export async function startApiGatewayEmulator(
  options: ApiGatewayEmulatorOptions,
): Promise<ApiGatewayEmulator> {
  const hostName = options.host ?? '127.0.0.1';
  const stage = options.stage ?? SERVERLESS_DEFAULTS.emulatorStage;
  const onHandlerError =
    options.onHandlerError ??
    ((error: unknown, event: WebSocketEvent) =>
      console.error(`[api-gateway-emulator] ${event.requestContext.routeKey} failed:`, error));
  const { handlers } = options;
  const connections = new Map<string, EmulatedConnection>();
  const counters = emptyCounters();
  let closing = false;
  const apiHost: ConnectionsApiHost = {
    stage,
    maxPayloadBytes: SERVERLESS_DEFAULTS.maxPayloadBytes,
    maxBufferedBytes: SERVERLESS_DEFAULTS.emulatorMaxBufferedBytes,
    connections,
    counters,
    throttles: { remaining: 0 },
  };

  const server = createServer((request, response) => {
    if (!handleConnectionsRequest(apiHost, request, response)) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Not Found' }));
    }
  });
  // API Gateway refuses client messages over 128 KB with close code 1009; ws does the same.
  // API Gateway answers with the subprotocol `$connect` returned in Sec-WebSocket-Protocol.
  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: SERVERLESS_DEFAULTS.maxPayloadBytes,
    handleProtocols: (_protocols, request) => chosenProtocol.get(request) ?? false,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostName, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const authority = `${hostName.includes(':') ? `[${hostName}]` : hostName}:${port}`;
  const api: ApiIdentity = { apiId: options.apiId ?? 'local', stage, domainName: authority };

  // Upgrade sockets that are not WebSockets yet ($connect running, being refused): close()
  // destroys them, so a slow $connect or a client that never closes cannot hold it open.
  const pending = new Set<Duplex>();
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    pending.add(socket);
    socket.once('close', () => pending.delete(socket));
    const target = parseRequestTarget(request.url);
    const requested = target === undefined ? undefined : stageOf(target.pathname);
    if (target === undefined || requested === undefined) return refuseUpgrade(socket, 400);
    if (requested !== stage) return refuseUpgrade(socket, 404);
    accept(request, target, socket, head).catch((error: unknown) => {
      console.error('[api-gateway-emulator] upgrade failed:', error);
      refuseUpgrade(socket, 500);
    });
  });

  async function accept(
    request: IncomingMessage,
    target: URL,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    const connectionId = newConnectionId();
    const connectedAt = Date.now();
    const event = connectEvent(api, connectionId, connectedAt, request, target);
    let status = 200;
    if (handlers.connect) {
      try {
        const result = (await handlers.connect(event, lambdaContext('$connect'))) as
          | Partial<WebSocketResult>
          | undefined;
        status = typeof result?.statusCode === 'number' ? result.statusCode : 200;
        for (const [name, value] of Object.entries(result?.headers ?? {})) {
          if (name.toLowerCase() === 'sec-websocket-protocol') chosenProtocol.set(request, value);
        }
      } catch (error) {
        onHandlerError(error, event);
        status = 500;
      }
    }
    if (status < 200 || status > 299) {
      refuseUpgrade(socket, status);
      return;
    }
    if (closing) {
      refuseUpgrade(socket, 503);
      return;
    }
    if (socket.destroyed) {
      await invokeDisconnect(connectionId, connectedAt, event.requestContext.identity, 1006, '');
      return;
    }
    pending.delete(socket);
    wss.handleUpgrade(request, socket, head, (ws) =>
      open(ws, connectionId, connectedAt, event.requestContext.identity ?? { sourceIp: '' }),
    );
  }

  function open(
    ws: WebSocket,
    connectionId: string,
    connectedAt: number,
    identity: { sourceIp: string; userAgent?: string },
  ): void {
    const connection: EmulatedConnection = {
      socket: ws,
      connectedAt,
      lastActiveAt: connectedAt,
      identity,
    };
    connections.set(connectionId, connection);
    let queue = Promise.resolve();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      connection.lastActiveAt = Date.now();
      const body = toBuffer(data);
      queue = queue.then(() => route(ws, connectionId, connectedAt, identity, body, isBinary));
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', (code: number, reason: Buffer) => {
      connections.delete(connectionId);
      if (closing) return;
      queue = queue.then(() =>
        invokeDisconnect(connectionId, connectedAt, identity, code, reason.toString('utf8')),
      );
    });
  }

  async function route(
    ws: WebSocket,
    connectionId: string,
    connectedAt: number,
    identity: { sourceIp: string; userAgent?: string },
    data: Buffer,
    isBinary: boolean,
  ): Promise<void> {
    const body = isBinary ? data.toString('base64') : data.toString('utf8');
    const routeKey = isBinary ? '$default' : selectRoute(body, handlers.message);
    const handler = handlers.message[routeKey];
    const requestId = randomUUID();
    if (!handler) {
      sendIfOpen(ws, JSON.stringify({ message: 'Forbidden', connectionId, requestId }));
      return;
    }
    const context = requestContext(api, connectionId, connectedAt, routeKey, 'MESSAGE', identity);
    context.messageId = requestId;
    const event: WebSocketEvent = { requestContext: context, body, isBase64Encoded: isBinary };
    try {
      await handler(event, lambdaContext(routeKey));
    } catch (error) {
      onHandlerError(error, event);
      sendIfOpen(ws, JSON.stringify({ message: 'Internal server error', connectionId, requestId }));
    }
  }

  async function invokeDisconnect(
    connectionId: string,
    connectedAt: number,
    identity: { sourceIp: string; userAgent?: string } | undefined,
    code: number,
    reason: string,
  ): Promise<void> {
    if (!handlers.disconnect) return;
    const context = requestContext(
      api,
      connectionId,
      connectedAt,
      '$disconnect',
      'DISCONNECT',
      identity ?? { sourceIp: '' },
    );
    context.disconnectStatusCode = code;
    context.disconnectReason = reason;
    const event: WebSocketEvent = { requestContext: context, isBase64Encoded: false };
    try {
      await handlers.disconnect(event, lambdaContext('$disconnect'));
    } catch (error) {
      onHandlerError(error, event);
    }
  }

  return {
    url: `ws://${authority}/${stage}`,
    managementEndpoint: `http://${authority}/${stage}`,
    port,
    connectionIds: () => [...connections.keys()],
    stats: () => ({
      posts: counters.posts,
      delivered: counters.delivered,
      gone: counters.gone,
      throttled: counters.throttled,
      maxConcurrentPosts: counters.maxConcurrentPosts,
      postsByConnection: new Map(counters.postsByConnection),
    }),
    resetStats: () => {
      const inFlight = counters.inFlight;
      Object.assign(counters, emptyCounters(), { inFlight });
    },
    throttleNext: (count: number) => {
      apiHost.throttles.remaining = Math.max(0, Math.floor(count));
    },
    close: async () => {
      closing = true;
      for (const socket of pending) socket.destroy();
      for (const { socket } of connections.values()) socket.close(1001, 'emulator closing');
      const deadline = Date.now() + 2_000;
      while (connections.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      for (const { socket } of connections.values()) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** API Gateway's route selection with `$request.body.action`. */
function selectRoute(body: string, routes: Record<string, WebSocketHandler>): string {
  try {
    const value = JSON.parse(body) as { action?: unknown };
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof value.action === 'string' &&
      value.action !== '$default' &&
      Object.hasOwn(routes, value.action)
    ) {
      return value.action;
    }
  } catch {
    // Not JSON: API Gateway falls back to $default.
  }
  return '$default';
}

/**
 * The stage an upgrade asks for: the one segment of `/{stage}` or `/{stage}/`, percent-decoded;
 * `''` for any other shape (no stage matches it), `undefined` for a malformed escape.
 */
function stageOf(pathname: string): string | undefined {
  const match = /^\/([^/]+)\/?$/.exec(pathname);
  return match ? decodePathSegment(match[1] as string) : '';
}

function sendIfOpen(ws: WebSocket, text: string): void {
  if (ws.readyState === ws.OPEN) ws.send(text);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function emptyCounters(): ConnectionsApiCounters {
  return {
    posts: 0,
    delivered: 0,
    gone: 0,
    throttled: 0,
    inFlight: 0,
    maxConcurrentPosts: 0,
    postsByConnection: new Map(),
  };
}

function lambdaContext(routeKey: string): Record<string, unknown> {
  return {
    functionName: `emulator-${routeKey}`,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => 29_000,
    callbackWaitsForEmptyEventLoop: false,
  };
}
