import { randomUUID } from 'node:crypto';
import type { WebSocketEvent, WebSocketResult } from '../lambda/webSocketEvents.js';
import type { ApiGatewayEmulatorOptions } from './apiGatewayEmulatorTypes.js';
import {
  type ApiIdentity,
  type CallerIdentity,
  lambdaContext,
  requestContext,
} from './apiGatewayEvents.js';
import { selectRoute } from './routing.js';

/** One connection as every event of it names it. */
export interface EmulatedCaller {
  connectionId: string;
  connectedAt: number;
  identity: CallerIdentity;
}

/** How API Gateway answers an upgrade once `$connect` has run. */
export interface ConnectOutcome {
  /** HTTP status: the handler's, 200 without a handler or status, 500 when it threw. */
  status: number;
  /** The subprotocol the handler chose with a `Sec-WebSocket-Protocol` header, if any. */
  protocol?: string;
}

/**
 * The Lambda side of the emulator: runs the route handlers with API Gateway-shaped events and
 * turns what they return or throw into what API Gateway would do (the upgrade status, the
 * `Forbidden` and `Internal server error` replies), reporting every throw to `onHandlerError`.
 * It never touches a socket: the emulator applies the outcome.
 *
 * @internal
 *
 * @example
 * ```ts
 * const invoker = new RouteInvoker(options.handlers, options.onHandlerError);
 * const { status } = await invoker.connect(connectEvent(api, id, Date.now(), request, target));
 * ```
 */
export class RouteInvoker {
  private readonly onHandlerError: (error: unknown, event: WebSocketEvent) => void;

  constructor(
    private readonly handlers: ApiGatewayEmulatorOptions['handlers'],
    onHandlerError?: (error: unknown, event: WebSocketEvent) => void,
  ) {
    this.onHandlerError =
      onHandlerError ??
      ((error: unknown, event: WebSocketEvent) =>
        console.error(`[api-gateway-emulator] ${event.requestContext.routeKey} failed:`, error));
  }

  /** Runs `$connect` (if there is a handler) on the event of an upgrade request. */
  async connect(event: WebSocketEvent): Promise<ConnectOutcome> {
    const { connect } = this.handlers;
    const outcome: ConnectOutcome = { status: 200 };
    if (!connect) return outcome;
    try {
      const result = (await connect(event, lambdaContext('$connect'))) as
        | Partial<WebSocketResult>
        | undefined;
      outcome.status = typeof result?.statusCode === 'number' ? result.statusCode : 200;
      for (const [name, value] of Object.entries(result?.headers ?? {})) {
        if (name.toLowerCase() === 'sec-websocket-protocol') outcome.protocol = value;
      }
    } catch (error) {
      this.onHandlerError(error, event);
      outcome.status = 500;
    }
    return outcome;
  }

  /**
   * Runs the route a client frame selects (`$default` for a binary one).
   *
   * @returns The reply API Gateway itself sends the client, if any: `Forbidden` when no route
   *   matches and there is no `$default`, `Internal server error` when the handler throws.
   */
  async message(
    api: ApiIdentity,
    caller: EmulatedCaller,
    data: Buffer,
    isBinary: boolean,
  ): Promise<string | undefined> {
    const { connectionId } = caller;
    const body = isBinary ? data.toString('base64') : data.toString('utf8');
    const routeKey = isBinary ? '$default' : selectRoute(body, this.handlers.message);
    const handler = this.handlers.message[routeKey];
    const requestId = randomUUID();
    if (!handler) return JSON.stringify({ message: 'Forbidden', connectionId, requestId });
    const context = requestContext(
      api,
      connectionId,
      caller.connectedAt,
      routeKey,
      'MESSAGE',
      caller.identity,
    );
    context.messageId = requestId;
    const event: WebSocketEvent = { requestContext: context, body, isBase64Encoded: isBinary };
    try {
      await handler(event, lambdaContext(routeKey));
    } catch (error) {
      this.onHandlerError(error, event);
      return JSON.stringify({ message: 'Internal server error', connectionId, requestId });
    }
    return undefined;
  }

  /** Runs `$disconnect` (if there is a handler) for a connection closed with `code` and `reason`. */
  async disconnect(
    api: ApiIdentity,
    caller: EmulatedCaller,
    code: number,
    reason: string,
  ): Promise<void> {
    const { disconnect } = this.handlers;
    if (!disconnect) return;
    const context = requestContext(
      api,
      caller.connectionId,
      caller.connectedAt,
      '$disconnect',
      'DISCONNECT',
      caller.identity,
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
