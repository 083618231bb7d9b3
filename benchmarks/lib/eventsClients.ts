/**
 * Real `ws` clients of an AppSync Events realtime endpoint (the local emulator), speaking the
 * Event API WebSocket protocol: the `aws-appsync-event-ws` subprotocol and the `header-`
 * subprotocol carrying `host` and `x-api-key`, `connection_init` → `connection_ack`, one
 * `subscribe` per channel → `subscribe_success`, then `data` messages, each one event: a
 * `trades` message of one symbol. Each client counts the `data` messages and the trades it got.
 */
import {
  APPSYNC_EVENTS_PROTOCOL,
  type AppSyncEventsServerMessage,
  authSubprotocol,
  parseTradeEvent,
} from '@market-stream/core';
import WebSocket from 'ws';

/** Clients connected and subscribed, with what each one received so far. */
export interface EventsClientPool {
  /** `data` messages per client. */
  readonly dataMessages: number[];
  /** Trades per client (the trades of every event it got). */
  readonly trades: number[];
  /** Events that were not a `trades` message, across every client. */
  readonly unreadable: () => number;
  /** Resolves once every client has `expected` trades; rejects after `timeoutMs` saying how far it got. */
  waitForTrades(expected: number, timeoutMs: number): Promise<void>;
  close(): void;
}

/** Where the clients connect and with what. */
export interface EventsClientsOptions {
  /** `ws://host:port/event/realtime` */
  realtimeUrl: string;
  /** The API's HTTP host, sent in the authorization header as AppSync requires. */
  host: string;
  apiKey: string;
  count: number;
  /** Channels every client subscribes to, one `subscribe` each. */
  channels: readonly string[];
  /** Clients opening at once. @default 50 */
  batch?: number;
}

/**
 * Connects `count` clients, each subscribed to every channel of `channels`, `batch` at a time.
 *
 * @throws when a client is refused (`connection_error`, `subscribe_error`) or a handshake takes
 *   more than 30 s.
 */
export async function connectEventsClients(
  options: EventsClientsOptions,
): Promise<EventsClientPool> {
  const authorization = { host: options.host, 'x-api-key': options.apiKey };
  const protocols = [APPSYNC_EVENTS_PROTOCOL.subprotocol, authSubprotocol(authorization)];
  const sockets: WebSocket[] = [];
  const dataMessages: number[] = [];
  const trades: number[] = [];
  let unreadable = 0;

  const open = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(options.realtimeUrl, protocols);
      sockets.push(socket);
      dataMessages[index] = 0;
      trades[index] = 0;
      let pending = options.channels.length;
      const timer = setTimeout(
        () => reject(new Error(`client ${index}: no handshake in 30 s`)),
        30_000,
      );
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`client ${index}: ${why}`));
      };
      socket.on('error', (error) => fail(String(error)));
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as AppSyncEventsServerMessage;
        if (message.type === 'data') {
          dataMessages[index] = (dataMessages[index] ?? 0) + 1;
          const got = parseTradeEvent(message.event);
          if (got === undefined) unreadable++;
          else trades[index] = (trades[index] ?? 0) + got.length;
        } else if (message.type === 'connection_ack') {
          options.channels.forEach((channel, i) => {
            socket.send(JSON.stringify({ type: 'subscribe', id: `s${i}`, channel, authorization }));
          });
        } else if (message.type === 'subscribe_success') {
          if (--pending === 0) {
            clearTimeout(timer);
            resolve();
          }
        } else if (message.type === 'subscribe_error' || message.type === 'connection_error') {
          fail(`${message.type} ${JSON.stringify(message.errors)}`);
        }
      });
    });

  const batch = options.batch ?? 50;
  for (let first = 0; first < options.count; first += batch) {
    const size = Math.min(batch, options.count - first);
    await Promise.all(Array.from({ length: size }, (_, i) => open(first + i)));
  }

  return {
    dataMessages,
    trades,
    unreadable: () => unreadable,
    async waitForTrades(expected, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (trades.some((n) => n < expected)) {
        if (Date.now() > deadline) {
          const short = trades.filter((n) => n < expected).length;
          throw new Error(
            `${short} of ${trades.length} clients still short of ${expected} trades after ${timeoutMs} ms (least: ${Math.min(...trades)})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close() {
      for (const socket of sockets) socket.terminate();
    },
  };
}
