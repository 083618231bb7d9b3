import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { SERVERLESS_DEFAULTS } from '../defaults.js';
import { refuseUpgrade } from '../internal/refuseUpgrade.js';
import { parseRequestTarget } from '../internal/requestTarget.js';
import type { WebSocketEvent, WebSocketResult } from '../lambda/webSocketEvents.js';
import type {
  ApiGatewayEmulator,
  ApiGatewayEmulatorOptions,
  ApiGatewayEmulatorStats,
} from './apiGatewayEmulatorTypes.js';
import {
  type ApiIdentity,
  connectEvent,
  lambdaContext,
  newConnectionId,
  requestContext,
} from './apiGatewayEvents.js';
import {
  type ConnectionsApiHost,
  type EmulatedConnection,
  emptyCounters,
  handleConnectionsRequest,
} from './connectionsApi.js';
import { selectRoute, stageOf } from './routing.js';

/** The caller identity API Gateway reports for a connection. */
type Identity = { sourceIp: string; userAgent?: string };

/**
 * The emulator behind `startApiGatewayEmulator`: an HTTP server serving the `@connections`
 * API and accepting WebSocket upgrades on the stage path, invoking the route handlers with API
 * Gateway-shaped events. Internal: `startApiGatewayEmulator` constructs it and calls `listen`.
 * The public methods are bound (arrow fields), as the closures it replaced were, so callers may
 * pass them around.
 *
 * @internal
 */
export class LocalApiGateway implements ApiGatewayEmulator {
  private readonly handlers: ApiGatewayEmulatorOptions['handlers'];
  private readonly hostName: string;
  private readonly stage: string;
  private readonly onHandlerError: (error: unknown, event: WebSocketEvent) => void;
  private readonly connections = new Map<string, EmulatedConnection>();
  private readonly counters = emptyCounters();
  private readonly apiHost: ConnectionsApiHost;
  private readonly server: Server;
  // API Gateway refuses client messages over 128 KB with close code 1009; ws does the same.
  // API Gateway answers with the subprotocol `$connect` returned in Sec-WebSocket-Protocol.
  private readonly chosenProtocol = new WeakMap<IncomingMessage, string>();
  private readonly wss: WebSocketServer;
  // Upgrade sockets that are not WebSockets yet ($connect running, being refused): close()
  // destroys them, so a slow $connect or a client that never closes cannot hold it open.
  private readonly pending = new Set<Duplex>();
  private closing = false;
  private listeningPort = 0;
  private authority = '';
  private api: ApiIdentity;

  constructor(private readonly options: ApiGatewayEmulatorOptions) {
    this.hostName = options.host ?? '127.0.0.1';
    this.stage = options.stage ?? SERVERLESS_DEFAULTS.emulatorStage;
    this.onHandlerError =
      options.onHandlerError ??
      ((error: unknown, event: WebSocketEvent) =>
        console.error(`[api-gateway-emulator] ${event.requestContext.routeKey} failed:`, error));
    this.handlers = options.handlers;
    this.apiHost = {
      stage: this.stage,
      maxPayloadBytes: SERVERLESS_DEFAULTS.maxPayloadBytes,
      maxBufferedBytes: SERVERLESS_DEFAULTS.emulatorMaxBufferedBytes,
      connections: this.connections,
      counters: this.counters,
      throttles: { remaining: 0 },
    };
    this.server = createServer((request, response) => {
      if (!handleConnectionsRequest(this.apiHost, request, response)) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Not Found' }));
      }
    });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: SERVERLESS_DEFAULTS.maxPayloadBytes,
      handleProtocols: (_protocols, request) => this.chosenProtocol.get(request) ?? false,
    });
    this.api = { apiId: options.apiId ?? 'local', stage: this.stage, domainName: '' };
  }

  /** Listens on the configured port and host, then accepts upgrades; resolves once listening. */
  async listen(): Promise<void> {
    const { server } = this;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.hostName, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.listeningPort = (server.address() as AddressInfo).port;
    const { hostName } = this;
    this.authority = `${hostName.includes(':') ? `[${hostName}]` : hostName}:${this.listeningPort}`;
    this.api = { ...this.api, domainName: this.authority };
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  get url(): string {
    return `ws://${this.authority}/${this.stage}`;
  }

  get managementEndpoint(): string {
    return `http://${this.authority}/${this.stage}`;
  }

  get port(): number {
    return this.listeningPort;
  }

  readonly connectionIds = (): string[] => [...this.connections.keys()];

  readonly stats = (): ApiGatewayEmulatorStats => {
    const { counters } = this;
    return {
      posts: counters.posts,
      delivered: counters.delivered,
      gone: counters.gone,
      throttled: counters.throttled,
      maxConcurrentPosts: counters.maxConcurrentPosts,
      postsByConnection: new Map(counters.postsByConnection),
    };
  };

  readonly resetStats = (): void => {
    const inFlight = this.counters.inFlight;
    Object.assign(this.counters, emptyCounters(), { inFlight });
  };

  readonly throttleNext = (count: number): void => {
    this.apiHost.throttles.remaining = Math.max(0, Math.floor(count));
  };

  readonly close = async (): Promise<void> => {
    const { connections, server } = this;
    this.closing = true;
    for (const socket of this.pending) socket.destroy();
    for (const { socket } of connections.values()) socket.close(1001, 'emulator closing');
    const deadline = Date.now() + 2_000;
    while (connections.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const { socket } of connections.values()) socket.terminate();
    this.wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    this.pending.add(socket);
    socket.once('close', () => this.pending.delete(socket));
    const target = parseRequestTarget(request.url);
    const requested = target === undefined ? undefined : stageOf(target.pathname);
    if (target === undefined || requested === undefined) {
      refuseUpgrade(socket, 400);
      return;
    }
    if (requested !== this.stage) {
      refuseUpgrade(socket, 404);
      return;
    }
    this.accept(request, target, socket, head).catch((error: unknown) => {
      console.error('[api-gateway-emulator] upgrade failed:', error);
      refuseUpgrade(socket, 500);
    });
  }

  private async accept(
    request: IncomingMessage,
    target: URL,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    const { handlers } = this;
    const connectionId = newConnectionId();
    const connectedAt = Date.now();
    const event = connectEvent(this.api, connectionId, connectedAt, request, target);
    let status = 200;
    if (handlers.connect) {
      try {
        const result = (await handlers.connect(event, lambdaContext('$connect'))) as
          | Partial<WebSocketResult>
          | undefined;
        status = typeof result?.statusCode === 'number' ? result.statusCode : 200;
        for (const [name, value] of Object.entries(result?.headers ?? {})) {
          if (name.toLowerCase() === 'sec-websocket-protocol') {
            this.chosenProtocol.set(request, value);
          }
        }
      } catch (error) {
        this.onHandlerError(error, event);
        status = 500;
      }
    }
    if (status < 200 || status > 299) {
      refuseUpgrade(socket, status);
      return;
    }
    if (this.closing) {
      refuseUpgrade(socket, 503);
      return;
    }
    if (socket.destroyed) {
      await this.invokeDisconnect(
        connectionId,
        connectedAt,
        event.requestContext.identity,
        1006,
        '',
      );
      return;
    }
    this.pending.delete(socket);
    this.wss.handleUpgrade(request, socket, head, (ws) =>
      this.open(ws, connectionId, connectedAt, event.requestContext.identity ?? { sourceIp: '' }),
    );
  }

  private open(ws: WebSocket, connectionId: string, connectedAt: number, identity: Identity): void {
    const connection: EmulatedConnection = {
      socket: ws,
      connectedAt,
      lastActiveAt: connectedAt,
      identity,
    };
    this.connections.set(connectionId, connection);
    let queue = Promise.resolve();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      connection.lastActiveAt = Date.now();
      const body = toBuffer(data);
      queue = queue.then(() => this.route(ws, connectionId, connectedAt, identity, body, isBinary));
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', (code: number, reason: Buffer) => {
      this.connections.delete(connectionId);
      if (this.closing) return;
      queue = queue.then(() =>
        this.invokeDisconnect(connectionId, connectedAt, identity, code, reason.toString('utf8')),
      );
    });
  }

  private async route(
    ws: WebSocket,
    connectionId: string,
    connectedAt: number,
    identity: Identity,
    data: Buffer,
    isBinary: boolean,
  ): Promise<void> {
    const { handlers } = this;
    const body = isBinary ? data.toString('base64') : data.toString('utf8');
    const routeKey = isBinary ? '$default' : selectRoute(body, handlers.message);
    const handler = handlers.message[routeKey];
    const requestId = randomUUID();
    if (!handler) {
      sendIfOpen(ws, JSON.stringify({ message: 'Forbidden', connectionId, requestId }));
      return;
    }
    const context = requestContext(
      this.api,
      connectionId,
      connectedAt,
      routeKey,
      'MESSAGE',
      identity,
    );
    context.messageId = requestId;
    const event: WebSocketEvent = { requestContext: context, body, isBase64Encoded: isBinary };
    try {
      await handler(event, lambdaContext(routeKey));
    } catch (error) {
      this.onHandlerError(error, event);
      sendIfOpen(ws, JSON.stringify({ message: 'Internal server error', connectionId, requestId }));
    }
  }

  private async invokeDisconnect(
    connectionId: string,
    connectedAt: number,
    identity: Identity | undefined,
    code: number,
    reason: string,
  ): Promise<void> {
    const { disconnect } = this.handlers;
    if (!disconnect) return;
    const context = requestContext(
      this.api,
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
      await disconnect(event, lambdaContext('$disconnect'));
    } catch (error) {
      this.onHandlerError(error, event);
    }
  }
}

function sendIfOpen(ws: WebSocket, text: string): void {
  if (ws.readyState === ws.OPEN) ws.send(text);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
