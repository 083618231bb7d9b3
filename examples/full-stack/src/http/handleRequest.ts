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
  /** Oldest first, the newest `limit` closed or open bars. */
  bars(symbol: string, intervalMs: number, limit: number): Promise<Bar[]>;
  /** Publishes validated trades into the pipeline. */
  ingest(trades: Trade[]): Promise<void>;
}

const MAX_INGEST_BYTES = 1024 * 1024;
const MAX_INGEST_TRADES = 1_000;
const INTERVALS: Record<string, number> = {
  '1s': 1_000,
  '5s': 5_000,
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
};

/**
 * The local server's HTTP endpoints (contract, DESIGN.md "Local server endpoints"):
 * `GET /`, `GET /healthz`, `GET /metrics`, `GET /api/trades`, `GET /api/bars`, `POST /api/ingest`.
 * Every failure is answered with a JSON `{ error }` and a 4xx status; nothing a client sends can
 * throw out of this function.
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
        return json(response, 200, { symbol, trades: await context.trades(symbol, limit) });
      }
      case 'GET /api/bars': {
        const symbol = readSymbol(url);
        const interval = url.searchParams.get('interval') ?? '1m';
        const intervalMs = INTERVALS[interval];
        if (intervalMs === undefined) {
          throw new BadRequest(`interval must be one of ${Object.keys(INTERVALS).join(', ')}`);
        }
        const limit = readLimit(url, 60, 1_000);
        return json(response, 200, {
          symbol,
          interval,
          bars: await context.bars(symbol, intervalMs, limit),
        });
      }
      case 'POST /api/ingest':
        return await ingest(context, request, response);
      default:
        if (
          url.pathname === '/api/ingest' ||
          url.pathname === '/api/trades' ||
          url.pathname === '/api/bars'
        ) {
          return json(response, 405, {
            error: `${request.method} is not allowed on ${url.pathname}`,
          });
        }
        return json(response, 404, { error: `no route for ${route}` });
    }
  } catch (error) {
    if (error instanceof BadRequest)
      return json(response, error.status, { error: error.message, ...error.details });
    console.error(`[http] ${route} failed:`, error);
    return json(response, 500, { error: 'internal error' });
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
    throw new BadRequest('body must be JSON: a trade or an array of trades');
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new BadRequest('no trades in the body');
  if (items.length > MAX_INGEST_TRADES)
    throw new BadRequest(`at most ${MAX_INGEST_TRADES} trades per request`);

  const trades: Trade[] = [];
  const errors: { index: number; issues: TradeIssue[] }[] = [];
  items.forEach((item, index) => {
    const result = validateTrade(item);
    if (result.ok) trades.push(result.trade);
    else errors.push({ index, issues: result.issues });
  });
  // All or nothing: a partly accepted batch would leave the caller guessing what to resend.
  if (errors.length > 0)
    throw new BadRequest('invalid trades; nothing was ingested', 400, { errors });

  await context.ingest(trades);
  return json(response, 202, { accepted: trades.length });
}

function readSymbol(url: URL): string {
  const symbol = (url.searchParams.get('symbol') ?? '').trim().toUpperCase();
  if (!SYMBOL_PATTERN.test(symbol)) throw new BadRequest(`symbol must match ${SYMBOL_PATTERN}`);
  return symbol;
}

function readLimit(url: URL, fallback: number, max: number): number {
  const text = url.searchParams.get('limit');
  if (text === null) return fallback;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new BadRequest(`limit must be an integer from 1 to ${max}`);
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
        reject(new BadRequest(`body exceeds ${maxBytes} bytes`, 413));
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
    message: string,
    readonly status = 400,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, JSON.stringify(body), 'application/json; charset=utf-8');
}

function send(response: ServerResponse, status: number, body: string, type: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}
