/**
 * The `requestContext` of an API Gateway WebSocket event: the fields the handlers of
 * `@market-stream/fanout/lambda` read, shaped as API Gateway sends them (and as
 * `APIGatewayProxyWebsocketEventV2` of `@types/aws-lambda` describes them).
 *
 * @example
 * ```ts
 * import type { WebSocketRequestContext } from '@market-stream/fanout/lambda';
 *
 * const context: Pick<WebSocketRequestContext, 'routeKey' | 'connectionId'> = {
 *   routeKey: '$connect', connectionId: 'L0SM9cOFvHcCIhw=',
 * };
 * ```
 */
export interface WebSocketRequestContext {
  /** `$connect`, `$disconnect`, `$default` or the value of `$request.body.action`. */
  routeKey: string;
  /** What happened on the connection. */
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  /** API Gateway's id of the connection, e.g. `L0SM9cOFvHcCIhw=`. */
  connectionId: string;
  /** Host of the API, e.g. `abc123.execute-api.us-east-1.amazonaws.com`. */
  domainName: string;
  /** Stage name. */
  stage: string;
  /** The API's id. */
  apiId: string;
  /** A unique id of this invocation. */
  requestId: string;
  /** When the connection was accepted, ms since the epoch. */
  connectedAt: number;
  /** When this request arrived, ms since the epoch. */
  requestTimeEpoch: number;
  /** Always `IN`. */
  messageDirection: 'IN';
  /** Message id (MESSAGE events). */
  messageId?: string;
  /** Caller identity. */
  identity?: { sourceIp: string; userAgent?: string };
  /** WebSocket close code (DISCONNECT events). */
  disconnectStatusCode?: number;
  /** Close reason (DISCONNECT events). */
  disconnectReason?: string;
}

/**
 * An API Gateway WebSocket event, as a Lambda proxy integration receives it. `headers` and
 * `queryStringParameters` are present on `$connect` only; `body` on messages only.
 *
 * @example
 * ```ts
 * import type { WebSocketEvent } from '@market-stream/fanout/lambda';
 *
 * function symbolsOf(event: WebSocketEvent): string | undefined {
 *   return event.queryStringParameters?.symbols;
 * }
 * ```
 */
export interface WebSocketEvent {
  /** Where the event comes from. */
  requestContext: WebSocketRequestContext;
  /** The frame the client sent (MESSAGE events). */
  body?: string;
  /** Whether `body` is base64 (binary frames). */
  isBase64Encoded: boolean;
  /** Query string of the connection URL ($connect). */
  queryStringParameters?: Record<string, string | undefined>;
  /** Every value of each query string parameter ($connect). */
  multiValueQueryStringParameters?: Record<string, string[] | undefined>;
  /** Request headers of the upgrade ($connect). */
  headers?: Record<string, string | undefined>;
  /** Every value of each request header ($connect). */
  multiValueHeaders?: Record<string, string[] | undefined>;
}

/**
 * What a WebSocket route handler returns. For `$connect`, a status outside 200–299 refuses
 * the connection with that HTTP status.
 *
 * @example
 * ```ts
 * import type { WebSocketResult } from '@market-stream/fanout/lambda';
 *
 * const refused: WebSocketResult = { statusCode: 401, body: 'UNAUTHORIZED' };
 * ```
 */
export interface WebSocketResult {
  /** HTTP status. */
  statusCode: number;
  /** Response body. */
  body?: string;
  /** Response headers. */
  headers?: Record<string, string>;
}

/**
 * A Lambda handler of an API Gateway WebSocket route. What it returns (or resolves to) is
 * read as a {@link WebSocketResult} for `$connect` (no result: accepted) and ignored for the
 * other routes.
 *
 * @example
 * ```ts
 * import type { WebSocketHandler } from '@market-stream/fanout/lambda';
 *
 * const accept: WebSocketHandler = async () => ({ statusCode: 200 });
 * ```
 */
export type WebSocketHandler = (event: WebSocketEvent, context?: unknown) => unknown;
