import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocketEvent, WebSocketRequestContext } from '../lambda/webSocketEvents.js';

/** What the emulator knows about the API it pretends to be. */
export interface ApiIdentity {
  apiId: string;
  stage: string;
  domainName: string;
}

/** The caller identity API Gateway reports for a connection. */
export type CallerIdentity = { sourceIp: string; userAgent?: string };

/** A new API Gateway-style connection id: 11 random bytes in base64, e.g. `L0SM9cOFvHcCIhw=`. */
export function newConnectionId(): string {
  return randomBytes(11).toString('base64');
}

/** The `requestContext` shared by every event of one connection. */
export function requestContext(
  api: ApiIdentity,
  connectionId: string,
  connectedAt: number,
  routeKey: string,
  eventType: WebSocketRequestContext['eventType'],
  identity: { sourceIp: string; userAgent?: string },
): WebSocketRequestContext {
  const now = Date.now();
  return {
    routeKey,
    eventType,
    connectionId,
    domainName: api.domainName,
    stage: api.stage,
    apiId: api.apiId,
    requestId: randomUUID(),
    connectedAt,
    requestTimeEpoch: now,
    messageDirection: 'IN',
    identity,
  };
}

/**
 * The `$connect` event of an upgrade request: headers and query string as API Gateway passes
 * them. `target` is the request target the emulator already parsed (it refuses unparseable
 * ones with 400 before this point), so building the event cannot throw.
 */
export function connectEvent(
  api: ApiIdentity,
  connectionId: string,
  connectedAt: number,
  request: IncomingMessage,
  target: URL,
): WebSocketEvent {
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of target.searchParams) {
    query[name] = value; // API Gateway keeps the last value
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const headers: Record<string, string> = {};
  const multiHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    const value = request.rawHeaders[i + 1] as string;
    headers[name] = value;
    multiHeaders[name] = [...(multiHeaders[name] ?? []), value];
  }
  const event: WebSocketEvent = {
    requestContext: requestContext(
      api,
      connectionId,
      connectedAt,
      '$connect',
      'CONNECT',
      identityOf(request),
    ),
    headers,
    multiValueHeaders: multiHeaders,
    isBase64Encoded: false,
  };
  if (Object.keys(query).length > 0) {
    event.queryStringParameters = query;
    event.multiValueQueryStringParameters = multiQuery;
  }
  return event;
}

/** The caller identity API Gateway reports for a request. */
export function identityOf(request: IncomingMessage): { sourceIp: string; userAgent?: string } {
  const identity: { sourceIp: string; userAgent?: string } = {
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
  };
  const userAgent = request.headers['user-agent'];
  if (userAgent) identity.userAgent = userAgent;
  return identity;
}

/** The Lambda `context` the emulator passes to a route handler. */
export function lambdaContext(routeKey: string): Record<string, unknown> {
  return {
    functionName: `emulator-${routeKey}`,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => 29_000,
    callbackWaitsForEmptyEventLoop: false,
  };
}
