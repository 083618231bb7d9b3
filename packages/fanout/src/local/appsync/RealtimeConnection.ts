import type { AppSyncEventsError, AppSyncEventsServerMessage } from '@market-stream/core';
import type { RawData, WebSocket } from 'ws';
import { readChannelPath } from './channelPaths.js';
import type { PublishOutcome } from './checkPublish.js';
import type { Subscriber, SubscriptionIndex } from './SubscriptionIndex.js';

/** What a realtime connection needs from the emulator that owns it. */
export interface RealtimeHub {
  readonly connectionTimeoutMs: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly maxBufferedBytes: number;
  hasNamespace(namespace: string): boolean;
  authorizes(headers: unknown): boolean;
  /** The emulator's index of every connection's subscriptions. */
  readonly subscriptions: SubscriptionIndex<RealtimeConnection>;
  /** Checks a publish, delivers its accepted events, counts it. */
  publish(body: unknown): PublishOutcome;
  countError(type: string, count?: number): void;
}

const UNAUTHORIZED: AppSyncEventsError = {
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
};

/**
 * One client of the realtime endpoint: reads its messages in arrival order and answers each the
 * way AppSync Events does (`connection_ack`, `subscribe_success` / `subscribe_error`,
 * `unsubscribe_success` / `unsubscribe_error`, `publish_success` / `publish_error`, `error`
 * for a frame it cannot read). A bad message gets an error on this connection only; the
 * connection stays open.
 */
export class RealtimeConnection {
  /** Whether `connection_ack` was sent: keep-alives go to acknowledged connections only. */
  acknowledged = false;
  readonly #socket: WebSocket;
  readonly #hub: RealtimeHub;
  readonly #subscriptions = new Map<
    string,
    { path: string; wildcard: boolean; subscriber: Subscriber<RealtimeConnection> }
  >();

  constructor(socket: WebSocket, hub: RealtimeHub) {
    this.#socket = socket;
    this.#hub = hub;
  }

  /**
   * Sends one text frame unless the socket is gone. A client whose unsent bytes pass
   * `maxBufferedBytes` reads too slowly: it is terminated rather than buffered without bound.
   * @returns Whether the frame was handed to the socket.
   */
  sendText(text: string): boolean {
    if (this.#socket.readyState !== this.#socket.OPEN) return false;
    if (this.#socket.bufferedAmount > this.#hub.maxBufferedBytes) {
      this.#hub.countError('SlowConsumer');
      this.#socket.terminate();
      return false;
    }
    this.#socket.send(text);
    return true;
  }

  send(message: AppSyncEventsServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  /** Refuses the connection: `connection_error`, then close. */
  refuse(error: AppSyncEventsError): void {
    this.#hub.countError(error.errorType);
    this.send({ type: 'connection_error', errors: [error] });
    this.#socket.close(1008, error.errorType);
  }

  /** Drops every subscription of a closed connection. */
  closed(): void {
    for (const { path, wildcard, subscriber } of this.#subscriptions.values()) {
      this.#hub.subscriptions.remove(path, wildcard, subscriber);
    }
    this.#subscriptions.clear();
  }

  receive(data: RawData, isBinary: boolean): void {
    const fields = readMessage(data, isBinary);
    if (typeof fields === 'string') {
      this.#error(undefined, 'BadRequestException', fields);
      return;
    }
    const id = typeof fields.id === 'string' && fields.id.length > 0 ? fields.id : undefined;
    const type = fields.type;
    if (type === 'connection_init') {
      this.acknowledged = true;
      this.send({ type: 'connection_ack', connectionTimeoutMs: this.#hub.connectionTimeoutMs });
    } else if (type !== 'subscribe' && type !== 'unsubscribe' && type !== 'publish') {
      const shown = JSON.stringify(type ?? null).slice(0, 64);
      this.#error(id, 'UnsupportedOperation', `unknown message type: ${shown}`);
    } else if (id === undefined) {
      this.#error(undefined, 'BadRequestException', `${type} needs an id`);
    } else if (type === 'subscribe') {
      this.#subscribe(id, fields.channel, fields.authorization);
    } else if (type === 'unsubscribe') {
      this.#unsubscribe(id);
    } else {
      this.#publish(id, fields);
    }
  }

  #subscribe(id: string, channel: unknown, authorization: unknown): void {
    const error = this.#subscribeProblem(id, channel, authorization);
    if (error !== undefined) {
      this.#hub.countError(error.errorType);
      this.send({ type: 'subscribe_error', id, errors: [error] });
      return;
    }
    const path = readChannelPath(channel, true);
    if (!path.ok) return;
    const subscriber = { connection: this, id };
    this.#subscriptions.set(id, { path: path.path, wildcard: path.wildcard, subscriber });
    this.#hub.subscriptions.add(path.path, path.wildcard, subscriber);
    this.send({ type: 'subscribe_success', id });
  }

  #subscribeProblem(
    id: string,
    channel: unknown,
    authorization: unknown,
  ): AppSyncEventsError | undefined {
    if (!this.#hub.authorizes(authorization)) return UNAUTHORIZED;
    const path = readChannelPath(channel, true);
    if (!path.ok) return { errorType: 'BadRequestException', message: path.reason };
    const namespace = path.segments[0] ?? '';
    if (!this.#hub.hasNamespace(namespace)) {
      return { errorType: 'BadRequestException', message: `namespace not found: ${namespace}` };
    }
    if (this.#subscriptions.has(id)) {
      return { errorType: 'BadRequestException', message: `subscription id in use: ${id}` };
    }
    if (this.#subscriptions.size >= this.#hub.maxSubscriptionsPerConnection) {
      const max = this.#hub.maxSubscriptionsPerConnection;
      return {
        errorType: 'LimitExceededException',
        message: `a connection holds at most ${max} subscriptions`,
      };
    }
    return undefined;
  }

  #unsubscribe(id: string): void {
    const subscription = this.#subscriptions.get(id);
    if (subscription === undefined) {
      const error = { errorType: 'BadRequestException', message: `no subscription with id ${id}` };
      this.#hub.countError(error.errorType);
      this.send({ type: 'unsubscribe_error', id, errors: [error] });
      return;
    }
    this.#subscriptions.delete(id);
    this.#hub.subscriptions.remove(
      subscription.path,
      subscription.wildcard,
      subscription.subscriber,
    );
    this.send({ type: 'unsubscribe_success', id });
  }

  #publish(id: string, fields: Record<string, unknown>): void {
    if (!this.#hub.authorizes(fields.authorization)) {
      this.#hub.countError(UNAUTHORIZED.errorType);
      this.send({ type: 'publish_error', id, errors: [UNAUTHORIZED] });
      return;
    }
    const outcome = this.#hub.publish({ channel: fields.channel, events: fields.events });
    this.send(
      outcome.ok
        ? { type: 'publish_success', id, ...outcome.response }
        : { type: 'publish_error', id, errors: [outcome.error] },
    );
  }

  #error(id: string | undefined, errorType: string, message: string): void {
    this.#hub.countError(errorType);
    this.send({
      type: 'error',
      ...(id === undefined ? {} : { id }),
      errors: [{ errorType, message }],
    });
  }
}

/** A frame's fields, or why it cannot be read. */
function readMessage(data: RawData, isBinary: boolean): Record<string, unknown> | string {
  if (isBinary) return 'binary frames are not supported';
  let message: unknown;
  try {
    message = JSON.parse(String(data));
  } catch {
    return 'the message is not valid JSON';
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return 'a message must be a JSON object with a type';
  }
  return message as Record<string, unknown>;
}
