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
