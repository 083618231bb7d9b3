import { MarketStreamError, type TradeIssue } from '@market-stream/core';

/**
 * An option passed to a simulator function is out of range or inconsistent. Thrown
 * synchronously when the stream is created, before anything runs.
 *
 * @example
 * ```ts
 * import { InvalidOptionsError, simulateTrades } from '@market-stream/simulator';
 *
 * try {
 *   simulateTrades({ tradesPerSecond: -1 });
 * } catch (error) {
 *   if (error instanceof InvalidOptionsError) console.error(error.option, error.message);
 * }
 * ```
 */
export class InvalidOptionsError extends MarketStreamError {
  declare readonly code: 'INVALID_OPTIONS';
  /** The offending option, e.g. `"tradesPerSecond"`. */
  readonly option: string;

  /**
   * @param option - The offending option.
   * @param message - What is wrong with it.
   */
  constructor(option: string, message: string) {
    super('INVALID_OPTIONS', `${option}: ${message}`);
    this.option = option;
  }
}

/**
 * A price model produced a trade that cannot be made valid (a non-finite or non-positive price,
 * bid, ask or size). The simulation stream fails with it.
 *
 * @example
 * ```ts
 * import { ModelOutputError, simulateTrades } from '@market-stream/simulator';
 *
 * simulateTrades({ model: myModel }).subscribe({
 *   error: (error) => {
 *     if (error instanceof ModelOutputError) console.error(error.symbol, error.field);
 *   },
 * });
 * ```
 */
export class ModelOutputError extends MarketStreamError {
  declare readonly code: 'INVALID_MODEL_OUTPUT';
  /** Symbol of the trade the model was producing. */
  readonly symbol: string;
  /** The field that was unusable. */
  readonly field: 'price' | 'bid' | 'ask' | 'size';
  /** The value it held. */
  readonly value: number;

  /**
   * @param symbol - Symbol of the trade.
   * @param field - The unusable field.
   * @param value - Its value.
   */
  constructor(symbol: string, field: 'price' | 'bid' | 'ask' | 'size', value: number) {
    super(
      'INVALID_MODEL_OUTPUT',
      `price model wrote ${field} = ${value} for ${symbol}; it must be finite and > 0`,
    );
    this.symbol = symbol;
    this.field = field;
    this.value = value;
  }
}

/**
 * A line (or item) of a replayed source is not a valid trade. `replayTrades` reports it through
 * `onInvalid`, skips it and carries on.
 *
 * @example
 * ```ts
 * import { replayTrades } from '@market-stream/simulator/node';
 *
 * replayTrades('trades.ndjson', {
 *   onInvalid: (error) => console.warn(`line ${error.line}: ${error.message}`),
 * }).subscribe();
 * ```
 */
export class InvalidLineError extends MarketStreamError {
  declare readonly code: 'INVALID_LINE';
  /** 1-based line number in the file (item number for an iterable source). */
  readonly line: number;
  /** The start of the offending text (at most 200 characters); empty for non-text items. */
  readonly text: string;
  /** Why it was rejected, field by field (a single `trade` issue for bad JSON). */
  readonly issues: readonly TradeIssue[];

  /**
   * @param line - 1-based line or item number.
   * @param text - The offending text.
   * @param issues - Why it was rejected.
   */
  constructor(line: number, text: string, issues: readonly TradeIssue[]) {
    super(
      'INVALID_LINE',
      `line ${line}: ${issues.map((issue) => `${issue.field}: ${issue.reason}`).join('; ')}`,
    );
    this.line = line;
    this.text = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    this.issues = issues;
  }
}

/**
 * Reading a replay source or writing a recording failed (a missing file, a full disk, a write
 * buffer past its bound). The stream fails with it; `cause` holds the underlying error.
 *
 * @example
 * ```ts
 * import { TradeFileError } from '@market-stream/simulator';
 * import { replayTrades } from '@market-stream/simulator/node';
 *
 * replayTrades('missing.ndjson').subscribe({
 *   error: (error) => {
 *     if (error instanceof TradeFileError) console.error(error.code, error.path);
 *   },
 * });
 * ```
 */
export class TradeFileError extends MarketStreamError {
  declare readonly code: 'READ_FAILED' | 'WRITE_FAILED' | 'BUFFER_FULL';
  /** The file involved, or `"<iterable>"` for an iterable source. */
  readonly path: string;

  /**
   * @param code - `READ_FAILED`, `WRITE_FAILED` or `BUFFER_FULL`.
   * @param path - The file involved.
   * @param message - What went wrong.
   * @param options - `cause`: the underlying error.
   */
  constructor(
    code: 'READ_FAILED' | 'WRITE_FAILED' | 'BUFFER_FULL',
    path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${path}: ${message}`, options);
    this.path = path;
  }
}

/**
 * The kinds of {@link QuoteError}.
 *
 * - `NETWORK_ERROR`: the request did not complete (connection refused, DNS, timeout).
 * - `HTTP_ERROR`: the server answered with a non-2xx status.
 * - `BAD_RESPONSE`: the body is not JSON or not the expected shape.
 * - `API_ERROR`: the API answered with an error (Alpha Vantage's `"Error Message"`, or an empty
 *   quote for an unknown symbol).
 * - `API_LIMIT`: the API refused for rate or quota reasons (Alpha Vantage's `"Note"` or
 *   `"Information"`); polling backs off.
 *
 * @example
 * ```ts
 * import type { QuoteErrorCode } from '@market-stream/simulator';
 *
 * const retryLater: QuoteErrorCode[] = ['NETWORK_ERROR', 'API_LIMIT'];
 * ```
 */
export type QuoteErrorCode =
  | 'NETWORK_ERROR'
  | 'HTTP_ERROR'
  | 'BAD_RESPONSE'
  | 'API_ERROR'
  | 'API_LIMIT';

/**
 * One poll of a quote API failed. `pollQuotes` reports it through `onError` and keeps polling.
 *
 * @example
 * ```ts
 * import { pollQuotes } from '@market-stream/simulator';
 *
 * pollQuotes({
 *   symbols: ['IBM'],
 *   onError: (error) => console.warn(error.code, error.symbol, error.message),
 * }).subscribe(console.log);
 * ```
 */
export class QuoteError extends MarketStreamError {
  declare readonly code: QuoteErrorCode;
  /** The symbol whose quote was being fetched. */
  readonly symbol: string;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;

  /**
   * @param code - What kind of failure.
   * @param symbol - The symbol being fetched.
   * @param message - What the API or the network said.
   * @param options - `status`: the HTTP status; `cause`: the underlying error.
   */
  constructor(
    code: QuoteErrorCode,
    symbol: string,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(code, `${symbol}: ${message}`, { cause: options.cause });
    this.symbol = symbol;
    this.status = options.status;
  }
}
