import { type Trade, type TradeIssue, validateTrade } from '@market-stream/core';
import { INGEST_DEFAULTS } from '../../defaults.js';
import type { IngestAnswer, IngestDecision, IngestRequest, IngestRules } from './ingestTypes.js';

/**
 * The ingest endpoint's policy as one pure function: which requests and trades get in. The
 * deployed `POST /ingest` (`createIngestHandler`) and any other transport only translate their
 * input and output around it.
 *
 * Guarantees, in the local server's shapes (`{ error: { code, message } }`):
 * - 405 `METHOD_NOT_ALLOWED` for anything but POST; 415 `UNSUPPORTED_MEDIA_TYPE` unless the
 *   content type is `application/json`; 413 `BODY_TOO_LARGE` over `maxBodyBytes` (counted in
 *   UTF-8 bytes after base64 decoding), checked before the body is parsed.
 * - 400 `BAD_JSON` for an empty or unparseable body; 400 `INVALID_TRADES` for an empty array;
 *   400 `TOO_MANY_TRADES` for more than `maxTrades` (before any trade is validated).
 * - 400 `INVALID_TRADES` with `errors: [{ index, issues }]` naming every bad field of every bad
 *   trade (core's `validateTrade`: NaN, Infinity, negative or sub-cent prices, odd symbols,
 *   …), a timestamp more than `maxClockSkewMs` from `now`, a reserved symbol, or a `seq` that
 *   does not rise within the request per symbol (a duplicate `seq` is refused). A batch is all
 *   or nothing: one bad trade and no trade is returned to write.
 *
 * The function keeps no state between requests: a Lambda has no memory of earlier requests, so
 * a `seq` repeated across requests is accepted; `symbol#seq` keeps the history idempotent.
 *
 * @param request - See {@link IngestRequest}.
 * @param rules - See {@link IngestRules}.
 * @param now - The current time, ms since the epoch.
 * @returns The trades to write, or the answer to give.
 *
 * @example
 * ```ts
 * import { answerIngest } from '@market-stream/sinks/lambda';
 *
 * const decision = answerIngest({ method: 'POST', contentType: 'application/json', body }, {}, Date.now());
 * if (!decision.ok) return reply(decision.answer.status, decision.answer.body);
 * await write(decision.trades);
 * ```
 */
export function answerIngest(
  request: IngestRequest,
  rules: IngestRules,
  now: number,
): IngestDecision {
  const maxBodyBytes = rules.maxBodyBytes ?? INGEST_DEFAULTS.maxBodyBytes;
  const maxTrades = rules.maxTrades ?? INGEST_DEFAULTS.maxTrades;

  if (request.method.toUpperCase() !== 'POST') {
    return refuse(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ingest`);
  }
  const type = (request.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }
  const raw = request.body ?? '';
  // A base64 body is 4/3 of its bytes: refusing on its length first never decodes 10 MB.
  if (request.isBase64Encoded && Math.floor((raw.length * 3) / 4) > maxBodyBytes + 2) {
    return tooLarge(maxBodyBytes);
  }
  const bytes = request.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBodyBytes) return tooLarge(maxBodyBytes);

  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return refuse(400, 'BAD_JSON', 'body must be JSON: a trade or an array of trades');
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return refuse(400, 'INVALID_TRADES', 'no trades in the body');
  if (items.length > maxTrades) {
    return refuse(400, 'TOO_MANY_TRADES', `at most ${maxTrades} trades per request`);
  }
  return validateAll(items, rules, now);
}

function validateAll(items: unknown[], rules: IngestRules, now: number): IngestDecision {
  const reserved = new Set(rules.reservedSymbols ?? []);
  const maxClockSkewMs = rules.maxClockSkewMs ?? INGEST_DEFAULTS.maxClockSkewMs;
  const batchSeq = new Map<string, number>();
  const trades: Trade[] = [];
  const errors: { index: number; issues: TradeIssue[] }[] = [];
  items.forEach((item, index) => {
    const result = validateTrade(item, {
      now,
      maxClockSkewMs,
      // Only this request's own trades are known: a seq must rise within it per symbol.
      lastSeq: (symbol) => batchSeq.get(symbol),
      maxSeqGap: Number.MAX_SAFE_INTEGER,
    });
    if (!result.ok) {
      errors.push({ index, issues: result.issues });
      return;
    }
    const { trade } = result;
    if (reserved.has(trade.symbol)) {
      const reason = `${trade.symbol} is produced by this system's simulator`;
      errors.push({ index, issues: [{ field: 'symbol', reason }] });
      return;
    }
    batchSeq.set(trade.symbol, trade.seq);
    trades.push(trade);
  });
  // All or nothing: a partly accepted batch would leave the caller guessing what to resend.
  if (errors.length > 0) {
    return {
      ok: false,
      answer: {
        status: 400,
        body: {
          error: { code: 'INVALID_TRADES', message: 'invalid trades; nothing was ingested' },
          errors,
        },
      },
    };
  }
  return { ok: true, trades };
}

function tooLarge(maxBodyBytes: number): IngestDecision {
  return refuse(413, 'BODY_TOO_LARGE', `body exceeds ${maxBodyBytes} bytes`);
}

function refuse(status: number, code: string, message: string): IngestDecision {
  const answer: IngestAnswer = { status, body: { error: { code, message } } };
  return { ok: false, answer };
}
