import type { Trade } from '@market-stream/core';

/**
 * The headers of one request, `content-type` included, with what authorizes it (a SigV4
 * signature, or a bearer token), computed afresh for every attempt so a retry never carries a
 * stale `x-amz-date`.
 */
export type SignRequest = (url: URL, body: string) => Promise<Record<string, string>>;

/** How {@link sendBatch} posts and retries. */
export interface SendOptions {
  /** The ingest endpoint. */
  url: URL;
  /** Signs each attempt; unsigned without it. */
  sign?: SignRequest;
  /** Attempts per batch, the first included. */
  maxAttempts: number;
  /** Backoff base and cap, ms: attempt n waits a random time in [0, min(cap, base · 2ⁿ⁻¹)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An attempt that takes longer is abandoned and retried. */
  requestTimeoutMs: number;
  /** Called before each retry with the reason of the failed attempt. */
  onRetry?: (reason: string) => void;
}

/**
 * What became of one batch: every trade accepted (some possibly dead-lettered by the endpoint),
 * refused by the endpoint (4xx, not retried: resending would get the same answer) with a reason
 * per trade, or failed after every attempt (429, 5xx, network).
 */
export type BatchOutcome =
  | { kind: 'accepted'; accepted: number; deadLettered: number }
  | { kind: 'rejected'; reasons: Map<string, number> }
  | { kind: 'failed'; reason: string };

/**
 * Posts one batch of trades to an ingest endpoint, retrying 429, 5xx and network errors with
 * full-jitter exponential backoff (a `Retry-After` in seconds is waited at least).
 *
 * A retry after a lost answer resends trades the endpoint may already have written: the
 * stream then holds them twice, and `symbol#seq` (the history's key) makes them one.
 *
 * @param trades - The batch, per symbol in `seq` order.
 * @param options - See {@link SendOptions}.
 * @returns The batch's outcome; never throws.
 */
export async function sendBatch(
  trades: readonly Trade[],
  options: SendOptions,
): Promise<BatchOutcome> {
  const body = JSON.stringify(trades);
  let reason = 'not sent';
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    let retryAfterMs = 0;
    try {
      const response = await post(body, options);
      const text = await response.text();
      if (response.status >= 200 && response.status < 300) return accepted(text, trades.length);
      if (response.status !== 429 && response.status < 500) {
        return {
          kind: 'rejected',
          reasons: rejectionReasons(response.status, text, trades.length),
        };
      }
      reason = `HTTP ${response.status}${errorCode(text) ? ` ${errorCode(text)}` : ''}`;
      retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1_000 || 0;
    } catch (error) {
      reason = networkReason(error);
    }
    if (attempt === options.maxAttempts) break;
    options.onRetry?.(reason);
    const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    await sleep(Math.max(Math.min(retryAfterMs, options.maxDelayMs), Math.random() * cap));
  }
  return { kind: 'failed', reason };
}

async function post(body: string, options: SendOptions): Promise<Response> {
  const headers = options.sign
    ? await options.sign(options.url, body)
    : { 'content-type': 'application/json' };
  return fetch(options.url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(options.requestTimeoutMs),
  });
}

function accepted(text: string, sent: number): BatchOutcome {
  const answer = parse(text) as { accepted?: unknown; deadLettered?: unknown } | undefined;
  const count = typeof answer?.accepted === 'number' ? answer.accepted : sent;
  const deadLettered = typeof answer?.deadLettered === 'number' ? answer.deadLettered : 0;
  return { kind: 'accepted', accepted: count, deadLettered };
}

/** One reason per refused trade: its first issue when the endpoint names it, else the code. */
function rejectionReasons(status: number, text: string, sent: number): Map<string, number> {
  const answer = parse(text) as
    | { errors?: { index: number; issues: { field: string; reason: string }[] }[] }
    | undefined;
  const code = errorCode(text) ?? `HTTP ${status}`;
  const reasons = new Map<string, number>();
  const count = (key: string) => reasons.set(key, (reasons.get(key) ?? 0) + 1);
  const named = Array.isArray(answer?.errors) ? answer.errors : [];
  for (const { issues } of named) {
    const first = issues?.[0];
    count(first ? `${code}: ${first.field}: ${first.reason}` : code);
  }
  const others = sent - named.length;
  if (others > 0) {
    const key = named.length > 0 ? `${code}: refused with its batch` : code;
    reasons.set(key, (reasons.get(key) ?? 0) + others);
  }
  return reasons;
}

function errorCode(text: string): string | undefined {
  const code = (parse(text) as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkReason(error: unknown): string {
  const { name, cause } = error as { name?: string; cause?: { code?: string } };
  if (name === 'TimeoutError') return 'timeout';
  return `network: ${cause?.code ?? (error as Error)?.message ?? String(error)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
