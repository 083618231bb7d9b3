import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Bar,
  SYMBOL_PATTERN,
  type Trade,
  type TradeIssue,
  validateTrade,
} from '@market-stream/core';

/** What the HTTP routes need from the running system. */
export interface RouteContext {
  /** The ticker page. */
  page: string;
  /** The page's bundled script. */
  script: string;
  /** JSON for /healthz. */
  health(): Record<string, unknown>;
  /** Prometheus text for /metrics. */
  metrics(): string;
  /** Newest first. */
  trades(symbol: string, limit: number): Promise<Trade[]>;
  /** Newest first: the newest `limit` closed bars. */
  bars(symbol: string, intervalMs: number, limit: number): Promise<Bar[]>;
  /** Publishes validated trades into the pipeline. */
  ingest(trades: Trade[]): Promise<void>;
}

const MAX_INGEST_BYTES = 1024 * 1024;
const MAX_INGEST_TRADES = 1_000;

/** The bar intervals the local system records (see BAR_INTERVALS in startTickerSystem.ts). */
export const BAR_INTERVALS: Readonly<Record<string, number>> = { '5s': 5_000, '1m': 60_000 };

/**
 * The local server's HTTP endpoints (contract, DESIGN.md "Local server endpoints"):
 * `GET /`, `GET /healthz`, `GET /metrics`, `GET /api/trades`, `GET /api/bars`, `POST /api/ingest`.
 * The history routes answer like the deployed `HistoryApi` of `@market-stream/cdk-constructs`:
 * JSON arrays, newest first, and failures as `{ error: { code, message } }` with a 4xx status.
 * Nothing a client sends can throw out of this function.
 */
export async function handleRequest(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const route = `${request.method} ${url.pathname}`;
  try {
    switch (route) {
      case 'GET /':
      case 'GET /index.html':
        return send(response, 200, context.page, 'text/html; charset=utf-8');
      case 'GET /app.js':
        return send(response, 200, context.script, 'text/javascript; charset=utf-8');
      case 'GET /healthz':
        return json(response, 200, context.health());
      case 'GET /metrics':
        return send(response, 200, context.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
      case 'GET /api/trades': {
        const symbol = readSymbol(url);
        const limit = readLimit(url, 50, 1_000);
        return json(response, 200, await context.trades(symbol, limit));
      }
      case 'GET /api/bars': {
        const symbol = readSymbol(url);
        const intervalMs = BAR_INTERVALS[url.searchParams.get('interval') ?? '1m'];
        if (intervalMs === undefined) {
          const names = Object.keys(BAR_INTERVALS).join(', ');
          throw new BadRequest('INVALID_INTERVAL', `interval must be one of ${names}`);
        }
        const limit = readLimit(url, 60, 1_000);
        return json(response, 200, await context.bars(symbol, intervalMs, limit));
      }
      case 'POST /api/ingest':
        return await ingest(context, request, response);
      default:
        if (['/api/ingest', '/api/trades', '/api/bars'].includes(url.pathname)) {
          const message = `${request.method} is not allowed on ${url.pathname}`;
          return fail(response, 405, 'METHOD_NOT_ALLOWED', message);
        }
        return fail(response, 404, 'NOT_FOUND', `no route for ${route}`);
    }
  } catch (failure) {
    if (failure instanceof BadRequest) {
      const body = { error: { code: failure.code, message: failure.message }, ...failure.details };
      return json(response, failure.status, body);
    }
    console.error(`[http] ${route} failed:`, failure);
    return fail(response, 500, 'INTERNAL', 'internal error');
  }
}

async function ingest(
  context: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request, MAX_INGEST_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequest('BAD_JSON', 'body must be JSON: a trade or an array of trades');
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new BadRequest('INVALID_TRADES', 'no trades in the body');
  if (items.length > MAX_INGEST_TRADES) {
    throw new BadRequest('TOO_MANY_TRADES', `at most ${MAX_INGEST_TRADES} trades per request`);
  }

  const trades: Trade[] = [];
  const errors: { index: number; issues: TradeIssue[] }[] = [];
  items.forEach((item, index) => {
    const result = validateTrade(item);
    if (result.ok) trades.push(result.trade);
    else errors.push({ index, issues: result.issues });
  });
  // All or nothing: a partly accepted batch would leave the caller guessing what to resend.
  if (errors.length > 0) {
    throw new BadRequest('INVALID_TRADES', 'invalid trades; nothing was ingested', 400, { errors });
  }

  await context.ingest(trades);
  return json(response, 202, { accepted: trades.length });
}

function readSymbol(url: URL): string {
  const symbol = (url.searchParams.get('symbol') ?? '').trim().toUpperCase();
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new BadRequest('INVALID_SYMBOL', `symbol must match ${SYMBOL_PATTERN}`);
  }
  return symbol;
}

function readLimit(url: URL, fallback: number, max: number): number {
  const text = url.searchParams.get('limit');
  if (text === null) return fallback;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new BadRequest('INVALID_LIMIT', `limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new BadRequest('BODY_TOO_LARGE', `body exceeds ${maxBytes} bytes`, 413));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

class BadRequest extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function fail(response: ServerResponse, status: number, code: string, message: string): void {
  json(response, status, { error: { code, message } });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

function send(response: ServerResponse, status: number, body: string, type: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
