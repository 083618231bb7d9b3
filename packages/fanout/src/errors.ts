import { MarketStreamError } from '@market-stream/core';

/**
 * A connection store could not read or write its backing table. `operation` names the store
 * method; `cause` carries the underlying AWS SDK error.
 *
 * @example
 * ```ts
 * import { ConnectionStoreError } from '@market-stream/fanout';
 *
 * try {
 *   await store.listShard(3);
 * } catch (error) {
 *   if (error instanceof ConnectionStoreError) console.error(error.operation, error.cause);
 * }
 * ```
 */
export class ConnectionStoreError extends MarketStreamError {
  /** The store method that failed: `put`, `get`, `updateSymbols`, `remove` or `listShard`. */
  readonly operation: string;

  /**
   * @param operation - The store method that failed.
   * @param message - What went wrong.
   * @param options - `cause`: the underlying error.
   */
  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super('CONNECTION_STORE', message, options);
    this.operation = operation;
  }
}

/**
 * A message cannot be delivered through API Gateway's `@connections` API because it is over the
 * 128 KB message payload limit and cannot be split (it is not a `trades` message, or one trade
 * alone is too large). Nothing is truncated: the message is refused as a whole.
 *
 * @example
 * ```ts
 * import { PayloadTooLargeError } from '@market-stream/fanout';
 *
 * try {
 *   await transport.send(connectionId, hugeText);
 * } catch (error) {
 *   if (error instanceof PayloadTooLargeError) console.error(error.bytes, 'bytes >', error.limit);
 * }
 * ```
 */
export class PayloadTooLargeError extends MarketStreamError {
  /** UTF-8 size of the refused payload. */
  readonly bytes: number;
  /** The limit it exceeds. */
  readonly limit: number;

  /**
   * @param bytes - UTF-8 size of the refused payload.
   * @param limit - The limit it exceeds.
   */
  constructor(bytes: number, limit: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      `payload of ${bytes} bytes exceeds the ${limit}-byte API Gateway message limit and cannot be split`,
    );
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * A ready Lambda handler of `@market-stream/fanout/lambda` is missing or has an invalid
 * environment variable. `variable` names it.
 *
 * @example
 * ```ts
 * import { LambdaConfigError } from '@market-stream/fanout';
 *
 * const error = new LambdaConfigError('CONNECTIONS_TABLE', 'is required');
 * error.message; // 'CONNECTIONS_TABLE is required'
 * ```
 */
export class LambdaConfigError extends MarketStreamError {
  /** The environment variable at fault. */
  readonly variable: string;

  /**
   * @param variable - The environment variable at fault.
   * @param problem - What is wrong with it.
   */
  constructor(variable: string, problem: string) {
    super('LAMBDA_CONFIG', `${variable} ${problem}`);
    this.variable = variable;
  }
}

/**
 * A client's credentials were missing or refused (bad signature, expired, wrong issuer or
 * audience). `code` is the contract's `UNAUTHORIZED`; `cause` carries `jose`'s reason.
 *
 * @example
 * ```ts
 * import { UnauthorizedError, createJwtVerifier } from '@market-stream/fanout';
 *
 * const verifier = createJwtVerifier({ secret: process.env.JWT_SECRET! });
 * try {
 *   await verifier.verify(token);
 * } catch (error) {
 *   if (error instanceof UnauthorizedError) console.warn(error.message);
 * }
 * ```
 */
export class UnauthorizedError extends MarketStreamError {
  declare readonly code: 'UNAUTHORIZED';

  /**
   * @param message - Why the credentials were refused (safe to log, not to send).
   * @param options - `cause`: the underlying error.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAUTHORIZED', message, options);
  }
}

/**
 * A source trade jumped further past its symbol's newest `seq` than the engine's `maxSeqGap`
 * allows, so the engine dropped it (`seq_gap`) rather than let it make every later trade of the
 * symbol look stale. Reported through `onError` at most once per symbol per
 * `ENGINE_DEFAULTS.errorReportIntervalMs`.
 *
 * @example
 * ```ts
 * import { SequenceGapError, createFanout } from '@market-stream/fanout';
 *
 * const fanout = createFanout({
 *   transport,
 *   onError: (error) => {
 *     if (error instanceof SequenceGapError) console.warn(error.symbol, error.lastSeq, error.seq);
 *   },
 * });
 * ```
 */
export class SequenceGapError extends MarketStreamError {
  /** The symbol of the dropped trade. */
  readonly symbol: string;
  /** The symbol's newest `seq` the engine had. */
  readonly lastSeq: number;
  /** The dropped trade's `seq`. */
  readonly seq: number;
  /** The largest jump allowed. */
  readonly maxSeqGap: number;

  /**
   * @param symbol - The symbol of the dropped trade.
   * @param lastSeq - The symbol's newest `seq` the engine had.
   * @param seq - The dropped trade's `seq`.
   * @param maxSeqGap - The largest jump allowed.
   */
  constructor(symbol: string, lastSeq: number, seq: number, maxSeqGap: number) {
    super(
      'SEQ_GAP',
      `${symbol} trade with seq ${seq} dropped: more than ${maxSeqGap} past the newest seq ${lastSeq}`,
    );
    this.symbol = symbol;
    this.lastSeq = lastSeq;
    this.seq = seq;
    this.maxSeqGap = maxSeqGap;
  }
}

/**
 * A trade of a new symbol was dropped (`symbol_limit`) because the engine already keeps
 * `maxSymbols` symbols and every one of them has a subscriber (only symbols nobody subscribes to
 * make room). Reported through `onError` at most once per
 * `ENGINE_DEFAULTS.errorReportIntervalMs`.
 *
 * @example
 * ```ts
 * import { SymbolLimitError, createFanout } from '@market-stream/fanout';
 *
 * const fanout = createFanout({
 *   transport,
 *   maxSymbols: 1_000,
 *   onError: (error) => {
 *     if (error instanceof SymbolLimitError) console.warn(`${error.symbol} refused`, error.maxSymbols);
 *   },
 * });
 * ```
 */
export class SymbolLimitError extends MarketStreamError {
  /** The symbol whose trade was dropped. */
  readonly symbol: string;
  /** The engine's limit. */
  readonly maxSymbols: number;

  /**
   * @param symbol - The symbol whose trade was dropped.
   * @param maxSymbols - The engine's limit.
   */
  constructor(symbol: string, maxSymbols: number) {
    super(
      'SYMBOL_LIMIT',
      `${symbol} trade dropped: the engine keeps at most ${maxSymbols} symbols and all of them have subscribers`,
    );
    this.symbol = symbol;
    this.maxSymbols = maxSymbols;
  }
}
