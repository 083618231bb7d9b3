import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bar, Trade } from '@market-stream/core';
import {
  type HistoryQuery,
  InvalidHistoryQueryError,
  parseHistoryQuery,
} from '@market-stream/sinks';
import type { PipelineState } from '../startPipeline.js';
import { HttpError } from './HttpError.js';
import type { IngestDoor } from './IngestDoor.js';
import { readBody } from './readBody.js';

/** What the HTTP routes need from the running system. */
export interface RouteContext {
  /** The ticker page. */
  page: string;
  /** The page's bundled script. */
  script: string;
  /** JSON for /healthz; `ok: false` answers 503. */
  health(): { ok: boolean; body: Record<string, unknown> };
  /** Prometheus text for /metrics. */
  metrics(): string;
  /** Newest first. */
  trades(symbol: string, limit: number): Promise<Trade[]>;
  /** Newest first: the newest `limit` closed bars. */
  bars(symbol: string, intervalMs: number, limit: number): Promise<Bar[]>;
  /** Who may ingest and which trades get in. */
  door: IngestDoor;
  /** Whether ingest is taken now. */
  pipeline(): PipelineState;
  /** Publishes admitted trades into the pipeline. */
  ingest(trades: Trade[]): Promise<void>;
}

const MAX_INGEST_BYTES = 1024 * 1024;

/**
 * The local server's HTTP endpoints (contract, DESIGN.md "Local server endpoints"):
 * `GET /`, `GET /healthz`, `GET /metrics`, `GET /api/trades`, `GET /api/bars`, `POST /api/ingest`.
 * The history routes answer like the deployed `HistoryApi` of `@market-stream/cdk-constructs`:
 * JSON arrays, newest first, and failures as `{ error: { code, message } }` with a 4xx status.
 * Never rejects: whatever a client sends is answered, a failure of ours with 500.
 */
export async function handleRequest(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let route = `${request.method} ${request.url}`;
  try {
    const url = parseTarget(request.url);
    route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
      case 'GET /index.html':
        return send(response, 200, context.page, 'text/html; charset=utf-8');
      case 'GET /app.js':
        return send(response, 200, context.script, 'text/javascript; charset=utf-8');
      case 'GET /healthz': {
        const health = context.health();
        return json(response, health.ok ? 200 : 503, health.body);
      }
      case 'GET /metrics':
        return send(response, 200, context.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
      case 'GET /api/trades':
      case 'GET /api/bars': {
        const query = readHistoryQuery(url);
        if (query.intervalMs === undefined) {
          return json(response, 200, await context.trades(query.symbol, query.limit));
        }
        return json(response, 200, await context.bars(query.symbol, query.intervalMs, query.limit));
      }
      case 'POST /api/ingest':
        return await ingest(context, request, response);
      default:
        if (['/api/ingest', '/api/trades', '/api/bars'].includes(url.pathname)) {
          const message = `${request.method} is not allowed on ${url.pathname}`;
          throw new HttpError('METHOD_NOT_ALLOWED', message, 405);
        }
        throw new HttpError('NOT_FOUND', `no route for ${route}`, 404);
    }
  } catch (failure) {
    if (failure instanceof HttpError) return refuse(request, response, failure);
    console.error(`[http] ${route} failed:`, failure);
    return json(response, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
  }
}

/** The request target as a URL, or a 400 for one no URL parser accepts (`//`, `http://[`). */
function parseTarget(target: string | undefined): URL {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    throw new HttpError('BAD_REQUEST', 'the request target is not a valid URL');
  }
}

async function ingest(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  context.door.admit(request);
  const pipeline = context.pipeline();
  if (pipeline.state === 'down') {
    throw new HttpError('PIPELINE_DOWN', `not ingesting: ${pipeline.reason}`, 503);
  }
  if (pipeline.state === 'busy') {
    const retry = String(pipeline.retryAfterSeconds);
    throw new HttpError(
      'PIPELINE_BUSY',
      `not ingesting now: ${pipeline.reason}`,
      429,
      {},
      {
        'retry-after': retry,
      },
    );
  }
  const body = await readBody(request, MAX_INGEST_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new HttpError('BAD_JSON', 'body must be JSON: a trade or an array of trades');
  }
  const trades = context.door.admitTrades(value);
  await context.ingest(trades);
  return json(response, 202, { accepted: trades.length });
}

/**
 * The history query, read by sinks' `parseHistoryQuery` like the deployed `HistoryApi` reads it
 * (one interval set, `HISTORY_INTERVALS`); its `InvalidHistoryQueryError` becomes a 400. `from`
 * and `to` are checked but not applied: the local history serves the newest `limit`.
 */
function readHistoryQuery(url: URL): HistoryQuery {
  try {
    const route = url.pathname === '/api/bars' ? 'bars' : 'trades';
    return parseHistoryQuery(route, Object.fromEntries(url.searchParams));
  } catch (error) {
    if (!(error instanceof InvalidHistoryQueryError)) throw error;
    throw new HttpError(error.code, error.message, error.status);
  }
}

/**
 * Answers a refusal. A request whose body was not read to its end (refused before or while
 * reading) is answered with `Connection: close`; what the client still sends is discarded, for
 * a second at most, so the answer is not lost to a reset.
 */
function refuse(request: IncomingMessage, response: ServerResponse, failure: HttpError): void {
  const body = { error: { code: failure.code, message: failure.message }, ...failure.details };
  const unread = !request.complete;
  if (unread) {
    response.setHeader('connection', 'close');
    request.resume();
    response.once('finish', () => {
      setTimeout(() => request.socket.destroy(), 1_000).unref();
    });
  }
  for (const [name, value] of Object.entries(failure.headers)) response.setHeader(name, value);
  json(response, failure.status, body);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

function send(response: ServerResponse, status: number, body: string, type: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
