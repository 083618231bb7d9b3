import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { EMULATOR_DEFAULTS, SERVERLESS_DEFAULTS } from '../defaults.js';
import { refuseUpgrade } from '../internal/refuseUpgrade.js';
import { parseRequestTarget } from '../internal/requestTarget.js';
import type {
  ApiGatewayEmulator,
  ApiGatewayEmulatorOptions,
  ApiGatewayEmulatorStats,
} from './apiGatewayEmulatorTypes.js';
import { type ApiIdentity, connectEvent, newConnectionId } from './apiGatewayEvents.js';
import {
  type ConnectionsApiHost,
  type EmulatedConnection,
  emptyCounters,
  handleConnectionsRequest,
} from './connectionsApi.js';
import { type EmulatedCaller, RouteInvoker } from './RouteInvoker.js';
import { stageOf } from './routing.js';

/**
 * The emulator behind `startApiGatewayEmulator`: an HTTP server serving the `@connections`
 * API and accepting WebSocket upgrades on the stage path; its {@link RouteInvoker} runs the
 * route handlers with API Gateway-shaped events and says what to answer, this class applies it
 * to the sockets. Internal: `startApiGatewayEmulator` constructs it and calls `listen`. The
 * public methods are bound (arrow fields), as the closures it replaced were, so callers may
 * pass them around.
 *
 * @internal
 */
export class LocalApiGateway implements ApiGatewayEmulator {
  private readonly hostName: string;
  private readonly stage: string;
  private readonly invoker: RouteInvoker;
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
    this.hostName = options.host ?? EMULATOR_DEFAULTS.host;
    this.stage = options.stage ?? EMULATOR_DEFAULTS.stage;
    this.invoker = new RouteInvoker(options.handlers, options.onHandlerError);
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
    this.api = {
      apiId: options.apiId ?? EMULATOR_DEFAULTS.apiId,
      stage: this.stage,
      domainName: '',
    };
  }

  /** Listens on the configured port and host, then accepts upgrades; resolves once listening. */
  async listen(): Promise<void> {
    const { server } = this;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? EMULATOR_DEFAULTS.port, this.hostName, () => {
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
    const connectionId = newConnectionId();
    const connectedAt = Date.now();
    const event = connectEvent(this.api, connectionId, connectedAt, request, target);
    const { status, protocol } = await this.invoker.connect(event);
    if (protocol !== undefined) this.chosenProtocol.set(request, protocol);
    if (status < 200 || status > 299) {
      refuseUpgrade(socket, status);
      return;
    }
    if (this.closing) {
      refuseUpgrade(socket, 503);
      return;
    }
    const caller = {
      connectionId,
      connectedAt,
      identity: event.requestContext.identity ?? { sourceIp: '' },
    };
    if (socket.destroyed) {
      await this.invoker.disconnect(this.api, caller, 1006, '');
      return;
    }
    this.pending.delete(socket);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.open(ws, caller));
  }

  private open(ws: WebSocket, caller: EmulatedCaller): void {
    const { connectionId, connectedAt, identity } = caller;
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
      queue = queue.then(async () => {
        const reply = await this.invoker.message(this.api, caller, body, isBinary);
        if (reply !== undefined) sendIfOpen(ws, reply);
      });
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', (code: number, reason: Buffer) => {
      this.connections.delete(connectionId);
      if (this.closing) return;
      queue = queue.then(() =>
        this.invoker.disconnect(this.api, caller, code, reason.toString('utf8')),
      );
    });
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
