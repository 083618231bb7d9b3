import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { decodePathSegment, parseRequestTarget } from '../internal/requestTarget.js';

/** One open connection of the emulator. */
export interface EmulatedConnection {
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  identity: { sourceIp: string; userAgent?: string };
}

/** What the `@connections` API needs from the emulator. */
export interface ConnectionsApiHost {
  stage: string;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  connections: Map<string, EmulatedConnection>;
  counters: ConnectionsApiCounters;
  /** Throttled responses still to inject (429 LimitExceededException). */
  throttles: { remaining: number };
}

/** Counts of `@connections` requests, for tests and benchmarks. */
export interface ConnectionsApiCounters {
  posts: number;
  delivered: number;
  gone: number;
  throttled: number;
  /** Posts being answered right now, and the most at any one time. */
  inFlight: number;
  maxConcurrentPosts: number;
  postsByConnection: Map<string, number>;
}

/**
 * Serves API Gateway's management API on the emulator's HTTP server, in the shape the real
 * `@aws-sdk/client-apigatewaymanagementapi` client expects with `endpoint` set to
 * `http://host:port/{stage}`: `POST|GET|DELETE /{stage}/@connections/{connectionId}` (the id
 * URL-encoded), errors as `x-amzn-errortype` plus a JSON `message`, which the SDK maps to
 * `GoneException` (410), `LimitExceededException` (429), `PayloadTooLargeException` (413) and
 * `ForbiddenException` (403). A request target that cannot be parsed, or a stage or id that is
 * not valid percent-encoded UTF-8, is a 400 `BadRequestException`. Request signatures are not
 * checked.
 *
 * @returns `true` when the request was a `@connections` request (or an unparseable one) and
 * has been answered.
 */
export function handleConnectionsRequest(
  host: ConnectionsApiHost,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const target = parseRequestTarget(request.url);
  if (target === undefined) {
    fail(response, 400, 'BadRequestException', 'Invalid request target');
    return true;
  }
  const match = /^\/([^/]+)\/(?:@|%40)connections\/([^/]+)$/.exec(target.pathname);
  if (!match) return false;
  const [, rawStage, rawId] = match as unknown as [string, string, string];
  const stage = decodePathSegment(rawStage);
  const id = decodePathSegment(rawId);
  if (stage === undefined || id === undefined) {
    fail(response, 400, 'BadRequestException', 'Invalid percent-encoding in the path');
    return true;
  }
  if (stage !== host.stage) {
    fail(response, 403, 'ForbiddenException', 'Forbidden');
    return true;
  }

  switch (request.method) {
    case 'POST':
      post(host, id, request, response);
      return true;
    case 'GET':
      getInfo(host, id, response);
      return true;
    case 'DELETE':
      remove(host, id, response);
      return true;
    default:
      fail(response, 403, 'ForbiddenException', 'Forbidden');
      return true;
  }
}

function post(
  host: ConnectionsApiHost,
  id: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  host.counters.posts++;
  host.counters.inFlight++;
  host.counters.maxConcurrentPosts = Math.max(
    host.counters.maxConcurrentPosts,
    host.counters.inFlight,
  );
  response.once('close', () => {
    host.counters.inFlight--;
  });
  host.counters.postsByConnection.set(id, (host.counters.postsByConnection.get(id) ?? 0) + 1);
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    // Keep reading to the end (so the client sees the answer) but hold no more than the limit.
    if (size > host.maxPayloadBytes) tooLarge = true;
    else chunks.push(chunk);
  });
  request.on('end', () => {
    if (host.throttles.remaining > 0) {
      host.throttles.remaining--;
      host.counters.throttled++;
      fail(response, 429, 'LimitExceededException', 'Rate exceeded');
      return;
    }
    if (tooLarge) {
      fail(response, 413, 'PayloadTooLargeException', 'Message too long');
      return;
    }
    const connection = host.connections.get(id);
    if (!connection || connection.socket.readyState !== connection.socket.OPEN) {
      host.counters.gone++;
      fail(response, 410, 'GoneException', 'Gone');
      return;
    }
    if (connection.socket.bufferedAmount > host.maxBufferedBytes) {
      // The client does not read; API Gateway would drop it too. Bounded, never buffered forever.
      connection.socket.close(1013, 'client too slow');
      host.counters.gone++;
      fail(response, 410, 'GoneException', 'Gone');
      return;
    }
    connection.socket.send(Buffer.concat(chunks).toString('utf8'));
    host.counters.delivered++;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
    response.end();
  });
  request.on('error', () => response.destroy());
}

function getInfo(host: ConnectionsApiHost, id: string, response: ServerResponse): void {
  const connection = host.connections.get(id);
  if (!connection) {
    fail(response, 410, 'GoneException', 'Gone');
    return;
  }
  const body = JSON.stringify({
    connectedAt: new Date(connection.connectedAt).toISOString(),
    identity: connection.identity,
    lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
  });
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  });
  response.end(body);
}

function remove(host: ConnectionsApiHost, id: string, response: ServerResponse): void {
  const connection = host.connections.get(id);
  if (!connection) {
    fail(response, 410, 'GoneException', 'Gone');
    return;
  }
  connection.socket.close(1000, 'Goodbye');
  response.writeHead(204);
  response.end();
}

function fail(response: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ message });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-errortype': type,
  });
  response.end(body);
}

/** Counters at zero. */
export function emptyCounters(): ConnectionsApiCounters {
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
