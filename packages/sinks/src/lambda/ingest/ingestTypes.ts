import type { Trade, TradeIssue } from '@market-stream/core';

/**
 * What `answerIngest` reads of an HTTP request: the method, the `Content-Type` header and the
 * body as API Gateway hands it to Lambda (base64 when `isBase64Encoded`).
 *
 * @example
 * ```ts
 * import type { IngestRequest } from '@market-stream/sinks/lambda';
 *
 * const request: IngestRequest = { method: 'POST', contentType: 'application/json', body: '[]' };
 * ```
 */
export interface IngestRequest {
  /** The HTTP method; only `POST` is accepted. */
  method: string;
  /** The `Content-Type` header, if any. */
  contentType: string | undefined;
  /** The body, if any. */
  body: string | undefined;
  /** Whether `body` is base64. @default false */
  isBase64Encoded?: boolean;
}

/**
 * The rules of `answerIngest`; each one defaults to {@link INGEST_DEFAULTS}.
 *
 * @example
 * ```ts
 * import type { IngestRules } from '@market-stream/sinks/lambda';
 *
 * const rules: IngestRules = { maxTrades: 500, reservedSymbols: ['AAPL'] };
 * ```
 */
export interface IngestRules {
  /**
   * Largest body in bytes (after base64 decoding); larger answers 413.
   * @default 1_048_576 (`INGEST_DEFAULTS.maxBodyBytes`)
   */
  maxBodyBytes?: number;
  /**
   * Most trades in one request; more answers 400 `TOO_MANY_TRADES`.
   * @default 1000 (`INGEST_DEFAULTS.maxTrades`)
   */
  maxTrades?: number;
  /**
   * How far a trade's `timestamp` may be from `now`, either way, ms.
   * @default 60_000 (`INGEST_DEFAULTS.maxClockSkewMs`)
   */
  maxClockSkewMs?: number;
  /**
   * Symbols another source of the system produces (its simulator); a trade of one is refused.
   * @default [] (none)
   */
  reservedSymbols?: readonly string[];
}

/**
 * An HTTP answer of the ingest endpoint, in the local server's shapes: `202 { accepted }`, or
 * `{ error: { code, message } }` with a 4xx/5xx status, plus `errors: [{ index, issues }]` on a
 * 400 for bad trades.
 *
 * @example
 * ```ts
 * import type { IngestAnswer } from '@market-stream/sinks/lambda';
 *
 * const answer: IngestAnswer = { status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: '…' } } };
 * ```
 */
export interface IngestAnswer {
  /** The HTTP status. */
  status: number;
  /** The JSON body. */
  body: IngestAnswerBody;
}

/**
 * The JSON body of an {@link IngestAnswer}.
 *
 * @example
 * ```ts
 * import type { IngestAnswerBody } from '@market-stream/sinks/lambda';
 *
 * const body: IngestAnswerBody = { accepted: 3 };
 * ```
 */
export type IngestAnswerBody =
  | { accepted: number; deadLettered?: number }
  | {
      error: { code: string; message: string };
      errors?: { index: number; issues: TradeIssue[] }[];
    };

/**
 * The outcome of `answerIngest`: trades to write (every one valid: a batch is all or nothing),
 * or an answer to give at once.
 *
 * @example
 * ```ts
 * import type { IngestDecision } from '@market-stream/sinks/lambda';
 *
 * const count = (decision: IngestDecision) => (decision.ok ? decision.trades.length : 0);
 * ```
 */
export type IngestDecision = { ok: true; trades: Trade[] } | { ok: false; answer: IngestAnswer };
