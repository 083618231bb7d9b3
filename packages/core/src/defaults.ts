import { SYMBOL_PATTERN } from './trade.js';

/**
 * Limits that {@link parseClientMessage} and servers enforce on what a client sends.
 *
 * @example
 * ```ts
 * import type { ProtocolLimits } from '@market-stream/core';
 *
 * const limits: Partial<ProtocolLimits> = { maxSymbols: 100 };
 * ```
 */
export interface ProtocolLimits {
  /**
   * Largest accepted client message, in UTF-8 bytes.
   * @default 4096
   */
  maxMessageBytes: number;
  /**
   * Most symbols one connection may hold (and so the most one message may name).
   * @default 50
   */
  maxSymbols: number;
  /**
   * What a symbol must match.
   * @default SYMBOL_PATTERN
   */
  symbolPattern: RegExp;
}

/**
 * The default {@link ProtocolLimits}: 4 KiB messages, 50 symbols per connection, the symbol
 * pattern of the Trade contract.
 *
 * @example
 * ```ts
 * import { DEFAULT_PROTOCOL_LIMITS } from '@market-stream/core';
 *
 * DEFAULT_PROTOCOL_LIMITS.maxSymbols; // 50
 * ```
 */
export const DEFAULT_PROTOCOL_LIMITS: Readonly<ProtocolLimits> = Object.freeze({
  maxMessageBytes: 4096,
  maxSymbols: 50,
  symbolPattern: SYMBOL_PATTERN,
});
