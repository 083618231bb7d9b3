// Error names AWS services return for throttling or a momentary service problem: retrying
// the same request later is what the service documentation asks for.
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'TransactionInProgressException',
]);

// Node.js socket error codes of a dropped or refused connection.
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

/**
 * Whether a whole request failed for a reason worth retrying: throttling, a 5xx, a dropped,
 * refused or timed-out connection, or an error the SDK itself marks `$retryable`. Anything
 * else (validation, access denied, a missing stream/queue/table) fails the same way again, so
 * the records go to `onFailure` at once.
 *
 * @param error - What `client.send` rejected with.
 * @internal
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const shape = error as SdkErrorShape;
  if (shape.$retryable) return true;
  if (typeof shape.name === 'string' && TRANSIENT_NAMES.has(shape.name)) return true;
  if (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) return true;
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  // A reply that is not the service's answer at all, e.g. a proxy's HTML error page.
  if (shape.$fault === 'server') return true;
  if (typeof shape.message === 'string' && /socket hang up|ECONNRESET|EPIPE/i.test(shape.message))
    return true;
  return shape.cause !== undefined && shape.cause !== error && isTransientError(shape.cause);
}

/**
 * The name AWS gave an error (`ProvisionedThroughputExceededException`, …) or its Node.js
 * socket code, for reports and dead letters.
 * @internal
 */
export function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const shape = error as SdkErrorShape;
  if (typeof shape.code === 'string' && shape.code.length > 0) return shape.code;
  if (typeof shape.name === 'string') return shape.name;
  return 'Error';
}
