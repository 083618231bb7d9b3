import type { IncomingMessage } from 'node:http';
import { SequenceTracker, type Trade, type TradeIssue, validateTrade } from '@market-stream/core';
import { HttpError } from './HttpError.js';

/** What `POST /api/ingest` accepts; every bound is documented in the README's "Guarantees". */
export interface IngestRules {
  /** Symbols this system's own simulator produces: their sequences are the simulator's. */
  reservedSymbols: readonly string[];
  /** When set, a request must carry `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** A trade's `timestamp` must be within now ± this many ms. */
  maxClockSkewMs: number;
  /** A known symbol's next `seq` must be above its last and at most this much above it. */
  maxSeqGap: number;
  /** Distinct symbols ingest may create while the system runs. */
  maxSymbols: number;
  /** Most trades in one request. */
  maxTrades: number;
  /** Clock for the timestamp bound. */
  now?: () => number;
}

/**
 * The ingest endpoint's policy: who may post (JSON only, same origin or none, the token when
 * one is set) and which trades get in (valid, timestamped near now, continuing their symbol's
 * sequence, not one of the simulator's symbols, within the symbol bound). A batch is all or
 * nothing, so the sequences it remembers move only for batches that got in.
 */
export class IngestDoor {
  /** Ingested symbols' last seqs. Never evicted: a forgotten sequence could be restarted. */
  private readonly sequences: SequenceTracker;
  private readonly reserved: ReadonlySet<string>;

  constructor(private readonly rules: IngestRules) {
    this.reserved = new Set(rules.reservedSymbols);
    this.sequences = new SequenceTracker({
      maxSymbols: rules.maxSymbols,
      idleMs: Number.POSITIVE_INFINITY,
    });
  }

  /** Refuses a request by its headers: 415 not JSON, 403 foreign origin, 401 missing token. */
  admit(request: IncomingMessage): void {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      // A form or text/plain post is what a cross-site page can send without a preflight.
      throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json', 415);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !isSameOrigin(origin, request.headers.host)) {
      throw new HttpError('FORBIDDEN_ORIGIN', `origin ${origin} may not ingest`, 403);
    }
    const { token } = this.rules;
    if (token !== undefined && request.headers.authorization !== `Bearer ${token}`) {
      throw new HttpError(
        'UNAUTHORIZED',
        'ingest needs Authorization: Bearer <token>',
        401,
        {},
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
  }

  /**
   * Validates a parsed body (a trade or an array of them) and returns the trades, or throws a
   * 400 naming every bad field of every bad trade. Remembers the sequences of what it returns.
   */
  admitTrades(body: unknown): Trade[] {
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0) throw new HttpError('INVALID_TRADES', 'no trades in the body');
    if (items.length > this.rules.maxTrades) {
      const message = `at most ${this.rules.maxTrades} trades per request`;
      throw new HttpError('TOO_MANY_TRADES', message);
    }

    const now = (this.rules.now ?? Date.now)();
    const batchSeq = new Map<string, number>();
    const lastSeq = (symbol: string) => batchSeq.get(symbol) ?? this.sequences.last(symbol);
    let created = 0;
    const trades: Trade[] = [];
    const errors: { index: number; issues: TradeIssue[] }[] = [];
    items.forEach((item, index) => {
      const result = validateTrade(item, {
        now,
        maxClockSkewMs: this.rules.maxClockSkewMs,
        lastSeq,
        maxSeqGap: this.rules.maxSeqGap,
      });
      const issues = result.ok ? [] : [...result.issues];
      const symbol = result.ok ? result.trade.symbol : undefined;
      if (symbol !== undefined && this.reserved.has(symbol)) {
        issues.push({
          field: 'symbol',
          reason: `${symbol} is produced by this system's simulator`,
        });
      } else if (
        symbol !== undefined &&
        lastSeq(symbol) === undefined &&
        this.sequences.size + created >= this.rules.maxSymbols
      ) {
        const reason = `at most ${this.rules.maxSymbols} ingested symbols while the system runs`;
        issues.push({ field: 'symbol', reason });
      }
      if (!result.ok || issues.length > 0) errors.push({ index, issues });
      else {
        trades.push(result.trade);
        if (lastSeq(result.trade.symbol) === undefined) created++;
        batchSeq.set(result.trade.symbol, result.trade.seq);
      }
    });
    // All or nothing: a partly accepted batch would leave the caller guessing what to resend.
    if (errors.length > 0) {
      throw new HttpError('INVALID_TRADES', 'invalid trades; nothing was ingested', 400, {
        errors,
      });
    }
    for (const [symbol, seq] of batchSeq) this.sequences.observe({ symbol, seq });
    return trades;
  }
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
