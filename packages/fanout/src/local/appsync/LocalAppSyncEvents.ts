import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  APPSYNC_EVENTS_PROTOCOL,
  type AppSyncEventsError,
  readAuthSubprotocol,
  TRADES_NAMESPACE,
} from '@market-stream/core';
import { WebSocketServer } from 'ws';
import { APPSYNC_EMULATOR_DEFAULTS } from '../../defaults.js';
import type {
  AppSyncEventsEmulator,
  AppSyncEventsEmulatorOptions,
  AppSyncEventsEmulatorStats,
} from './appSyncEmulatorTypes.js';
import { authorizes, type Credentials } from './authorizes.js';
import { checkPublish, type PublishOutcome, type PublishRules } from './checkPublish.js';
import { RealtimeConnection, type RealtimeHub } from './RealtimeConnection.js';
import { SubscriptionIndex } from './SubscriptionIndex.js';

const UNAUTHORIZED: AppSyncEventsError = {
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
};

/**
 * The emulator: one HTTP server serving `POST /event` and the `/event/realtime` WebSocket,
 * one subscription index, the counters. See {@link startAppSyncEventsEmulator}.
 */
export class LocalAppSyncEvents implements AppSyncEventsEmulator, RealtimeHub {
  readonly apiKey: string;
  readonly connectionTimeoutMs: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly maxBufferedBytes: number;
  readonly #settings: Required<
    Omit<AppSyncEventsEmulatorOptions, 'apiKeys' | 'tokens' | 'namespaces'>
  >;
  readonly #credentials: Credentials;
  readonly #rules: PublishRules;
  readonly #server: Server;
  readonly #sockets: WebSocketServer;
  readonly #connections = new Set<RealtimeConnection>();
  readonly subscriptions = new SubscriptionIndex<RealtimeConnection>();
  #keepAlive: NodeJS.Timeout | undefined;
  #port = 0;
  #counts = { publishes: 0, eventsIn: 0, deliveries: 0 };
  #errors: Record<string, number> = {};

  constructor(options: AppSyncEventsEmulatorOptions = {}) {
    const { apiKeys, tokens, namespaces, ...rest } = options;
    this.#settings = { ...APPSYNC_EMULATOR_DEFAULTS, ...stripUndefined(rest) };
    const keys = apiKeys && apiKeys.length > 0 ? [...apiKeys] : [generatedApiKey()];
    this.apiKey = keys[0] as string;
    this.#credentials = { apiKeys: new Set(keys), tokens: new Set(tokens ?? []) };
    this.#rules = {
      namespaces: new Set(namespaces ?? [TRADES_NAMESPACE]),
      maxEventsPerPublish: this.#settings.maxEventsPerPublish,
      maxEventBytes: this.#settings.maxEventBytes,
    };
    this.connectionTimeoutMs = this.#settings.connectionTimeoutMs;
    this.maxSubscriptionsPerConnection = this.#settings.maxSubscriptionsPerConnection;
    this.maxBufferedBytes = this.#settings.maxBufferedBytes;
    this.#server = createServer((request, response) => this.#onRequest(request, response));
    this.#server.on('upgrade', (request, socket, head) => this.#onUpgrade(request, socket, head));
    this.#server.on('clientError', (_error, socket) => socket.destroy());
    this.#sockets = new WebSocketServer({
      noServer: true,
      maxPayload: this.#settings.maxRequestBytes,
      handleProtocols: (protocols) =>
        protocols.has(APPSYNC_EVENTS_PROTOCOL.subprotocol)
          ? APPSYNC_EVENTS_PROTOCOL.subprotocol
          : false,
    });
  }

  get port(): number {
    return this.#port;
  }

  get host(): string {
    return `${this.#settings.host}:${this.#port}`;
  }

  get httpEndpoint(): string {
    return `http://${this.host}${APPSYNC_EVENTS_PROTOCOL.publishPath}`;
  }

  get realtimeEndpoint(): string {
    return `ws://${this.host}${APPSYNC_EVENTS_PROTOCOL.realtimePath}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#settings.port, this.#settings.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : 0;
    this.#keepAlive = setInterval(() => {
      for (const connection of this.#connections) {
        if (connection.acknowledged) connection.sendText('{"type":"ka"}');
      }
    }, this.#settings.keepAliveIntervalMs);
    this.#keepAlive.unref();
  }

  stats(): AppSyncEventsEmulatorStats {
    return {
      ...this.#counts,
      connections: this.#connections.size,
      subscriptions: this.subscriptions.size,
      errorsByType: { ...this.#errors },
    };
  }

  resetStats(): void {
    this.#counts = { publishes: 0, eventsIn: 0, deliveries: 0 };
    this.#errors = {};
  }

  async close(): Promise<void> {
    clearInterval(this.#keepAlive);
    for (const client of this.#sockets.clients) client.close(1001, 'emulator closing');
    await new Promise<void>((resolve) => this.#sockets.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  hasNamespace(namespace: string): boolean {
    return this.#rules.namespaces.has(namespace);
  }

  authorizes(headers: unknown): boolean {
    return authorizes(this.#credentials, headers);
  }

  publish(body: unknown): PublishOutcome {
    const outcome = checkPublish(body, this.#rules);
    if (!outcome.ok) {
      this.countError(outcome.error.errorType);
      return outcome;
    }
    this.#counts.publishes++;
    this.#counts.eventsIn += outcome.accepted.length;
    if (outcome.response.failed.length > 0) {
      this.countError('EventRefused', outcome.response.failed.length);
    }
    for (const event of outcome.accepted) {
      for (const { connection, id } of this.subscriptions.match(outcome.channel)) {
        if (connection.sendText(JSON.stringify({ type: 'data', id, event }))) {
          this.#counts.deliveries++;
        }
      }
    }
    return outcome;
  }

  countError(type: string, count = 1): void {
    this.#errors[type] = (this.#errors[type] ?? 0) + count;
  }

  #onRequest(request: IncomingMessage, response: ServerResponse): void {
    request.on('error', () => request.destroy());
    const problem = this.#requestProblem(request);
    if (problem !== undefined) {
      this.#reply(request, response, problem.status, problem.error);
      return;
    }
    const limit = this.#settings.maxRequestBytes;
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        this.#reply(request, response, 413, tooLarge(limit));
        request.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => {
      if (!response.headersSent) this.#answerPublish(request, response, Buffer.concat(chunks));
    });
  }

  #requestProblem(
    request: IncomingMessage,
  ): { status: number; error: AppSyncEventsError } | undefined {
    const path = (request.url ?? '').split('?')[0];
    if (path !== APPSYNC_EVENTS_PROTOCOL.publishPath) {
      return {
        status: 404,
        error: { errorType: 'NotFoundException', message: `no route for ${path}` },
      };
    }
    if (request.method !== 'POST') {
      const message = 'publishing (POST) is the only action on this endpoint';
      return { status: 405, error: { errorType: 'BadRequestException', message } };
    }
    if (!this.authorizes(request.headers)) return { status: 401, error: UNAUTHORIZED };
    const limit = this.#settings.maxRequestBytes;
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      return { status: 413, error: tooLarge(limit) };
    }
    return undefined;
  }

  #answerPublish(request: IncomingMessage, response: ServerResponse, raw: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      const error = {
        errorType: 'BadRequestException',
        message: 'the request body is not valid JSON',
      };
      this.#reply(request, response, 400, error);
      return;
    }
    const outcome = this.publish(body);
    if (outcome.ok) this.#json(response, 200, outcome.response);
    else this.#json(response, outcome.status, { errors: [outcome.error] });
  }

  #reply(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    error: AppSyncEventsError,
  ): void {
    if (response.headersSent) return;
    this.countError(error.errorType);
    request.resume();
    this.#json(response, status, { errors: [error] });
  }

  #json(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((protocol) => protocol.trim());
    const refusal = this.#upgradeRefusal(path, protocols);
    if (refusal !== undefined) {
      refuseUpgrade(socket, refusal);
      return;
    }
    this.#sockets.handleUpgrade(request, socket, head, (webSocket) => {
      const connection = new RealtimeConnection(webSocket, this);
      this.#connections.add(connection);
      webSocket.on('error', () => webSocket.terminate());
      webSocket.on('message', (data, isBinary) => connection.receive(data, isBinary));
      webSocket.on('close', () => {
        this.#connections.delete(connection);
        connection.closed();
      });
      const headers = protocols.map(readAuthSubprotocol).find((found) => found !== undefined);
      if (!this.authorizes(headers)) connection.refuse(UNAUTHORIZED);
    });
  }

  #upgradeRefusal(path: string | undefined, protocols: string[]): string | undefined {
    if (path !== APPSYNC_EVENTS_PROTOCOL.realtimePath) return '404 Not Found';
    if (!protocols.includes(APPSYNC_EVENTS_PROTOCOL.subprotocol)) return '400 Bad Request';
    if (this.#connections.size >= this.#settings.maxConnections) {
      this.countError('ConnectionLimit');
      return '429 Too Many Requests';
    }
    return undefined;
  }
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function tooLarge(limit: number): AppSyncEventsError {
  return { errorType: 'PayloadTooLargeException', message: `the request is over ${limit} bytes` };
}

// An AppSync API key looks like da2- and 26 lower-case letters and digits.
function generatedApiKey(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `da2-${Array.from(randomBytes(26), (byte) => alphabet[byte % alphabet.length]).join('')}`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}
