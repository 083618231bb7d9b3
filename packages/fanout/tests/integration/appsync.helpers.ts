import {
  APPSYNC_EVENTS_PROTOCOL,
  type AppSyncAuthorization,
  type AppSyncEventsError,
  type AppSyncEventsServerMessage,
  type AppSyncPublishResponse,
  authSubprotocol,
} from '@market-stream/core';
import WebSocket from 'ws';
import type { AppSyncEventsEmulator } from '../../src/local.js';

type Message = AppSyncEventsServerMessage;

/**
 * A real `ws` client of the AppSync Events emulator that records every message it gets, with
 * bounded waits. `events(id)` lists the `data` events of one subscription, in arrival order.
 */
export class AppSyncTestClient {
  readonly messages: Message[] = [];
  readonly socket: WebSocket;
  readonly authorization: AppSyncAuthorization;
  #closed: Promise<{ code: number; reason: string }>;
  #waiters = new Set<() => void>();
  #nextId = 0;

  constructor(socket: WebSocket, authorization: AppSyncAuthorization) {
    this.socket = socket;
    this.authorization = authorization;
    socket.on('message', (frame) => {
      this.messages.push(JSON.parse(String(frame)) as Message);
      for (const waiter of [...this.#waiters]) waiter();
    });
    this.#closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** Sends a message (an object as JSON, a string as is). */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message matching `predicate`, received already or within `timeoutMs`. */
  next(
    predicate: (message: Message) => boolean,
    timeoutMs = 5_000,
    what = 'a message',
  ): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(predicate);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }

  /** Subscribes and waits for the answer (`subscribe_success` or `subscribe_error`). */
  async subscribe(
    channel: string,
    authorization: AppSyncAuthorization = this.authorization,
  ): Promise<{ id: string; answer: Message }> {
    const id = `sub-${++this.#nextId}`;
    this.send({ type: 'subscribe', id, channel, authorization });
    const answer = await this.next(
      (message) => 'id' in message && message.id === id && message.type.startsWith('subscribe_'),
      5_000,
      `the answer to subscribe ${channel}`,
    );
    return { id, answer };
  }

  /** The events delivered to subscription `id`, in arrival order. */
  events(id: string): string[] {
    return this.messages.flatMap((message) =>
      message.type === 'data' && message.id === id ? [message.event] : [],
    );
  }

  /** Resolves with the close code and reason once the server or the client closed. */
  closed(): Promise<{ code: number; reason: string }> {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.#closed;
  }
}

/**
 * Opens a realtime connection with the `aws-appsync-event-ws` and `header-` subprotocols,
 * sends `connection_init` and waits for `connection_ack` (unless `init: false`).
 */
export async function connectAppSync(
  emulator: AppSyncEventsEmulator,
  { apiKey = emulator.apiKey, init = true }: { apiKey?: string; init?: boolean } = {},
): Promise<AppSyncTestClient> {
  const authorization = { host: emulator.host, 'x-api-key': apiKey };
  const socket = new WebSocket(emulator.realtimeEndpoint, [
    APPSYNC_EVENTS_PROTOCOL.subprotocol,
    authSubprotocol(authorization),
  ]);
  const client = new AppSyncTestClient(socket, authorization);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  if (init) {
    client.send({ type: 'connection_init' });
    await client.next((message) => message.type === 'connection_ack', 5_000, 'connection_ack');
  }
  return client;
}

/** `POST /event` with `fetch`; the status and the parsed JSON answer. */
export async function publishHttp(
  emulator: AppSyncEventsEmulator,
  body: unknown,
  apiKey: string = emulator.apiKey,
): Promise<{
  status: number;
  body: Partial<AppSyncPublishResponse> & { errors?: AppSyncEventsError[] };
}> {
  const response = await fetch(emulator.httpEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
