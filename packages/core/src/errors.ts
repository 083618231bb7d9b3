import type { ErrorCode } from './protocol/messages.js';

/**
 * The base class of every error market-stream throws or reports, so one
 * `instanceof MarketStreamError` catches them all.
 *
 * @example
 * ```ts
 * import { MarketStreamError } from '@market-stream/core';
 *
 * try {
 *   doSomething();
 * } catch (error) {
 *   if (error instanceof MarketStreamError) console.error(error.code, error.message);
 * }
 * ```
 */
export class MarketStreamError extends Error {
  /** A stable, machine-readable code for this kind of failure. */
  readonly code: string;

  /**
   * @param code - A stable, machine-readable code.
   * @param message - What went wrong and, where it helps, what to do about it.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A client broke the wire protocol: bad JSON, an unknown action, an invalid symbol, too many
 * symbols, a message too large, too many messages, or missing credentials. `code` is one of
 * the contract codes a server sends back in an `error` message.
 *
 * @example
 * ```ts
 * import { ProtocolError, parseClientMessage } from '@market-stream/core';
 *
 * const result = parseClientMessage('{"action":"dance"}');
 * if (!result.ok) throw new ProtocolError(result.error.code, result.error.message);
 * ```
 */
export class ProtocolError extends MarketStreamError {
  declare readonly code: ErrorCode;

  /**
   * @param code - The contract error code.
   * @param message - A human-readable reason, safe to send to the client.
   */
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * A value that should have been a {@link Trade} is not one. `issues` names each bad field.
 *
 * @example
 * ```ts
 * import { InvalidTradeError, validateTrade } from '@market-stream/core';
 *
 * const result = validateTrade({ symbol: 'AAPL', price: -1 });
 * if (!result.ok) throw new InvalidTradeError(result.issues);
 * ```
 */
export class InvalidTradeError extends MarketStreamError {
  /** One entry per bad field, with the reason. */
  readonly issues: readonly TradeIssue[];

  /**
   * @param issues - What is wrong, field by field.
   */
  constructor(issues: readonly TradeIssue[]) {
    super(
      'INVALID_TRADE',
      `invalid trade: ${issues.map((issue) => `${issue.field}: ${issue.reason}`).join('; ')}`,
    );
    this.issues = issues;
  }
}

/**
 * One reason a value is not a valid trade.
 *
 * @example
 * ```ts
 * import type { TradeIssue } from '@market-stream/core';
 *
 * const issue: TradeIssue = { field: 'price', reason: 'must be greater than 0' };
 * ```
 */
export interface TradeIssue {
  /** The offending field, or `"trade"` when the value is not an object at all. */
  field: string;
  /** Why it is rejected. */
  reason: string;
}
