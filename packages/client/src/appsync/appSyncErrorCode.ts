import type { ErrorCode } from '@market-stream/core';

/**
 * The wire protocol's error code for an AppSync Events `errorType` (e.g.
 * `UnauthorizedException`): refused credentials are `UNAUTHORIZED`, throttling is
 * `RATE_LIMITED`, a payload over a limit is `MESSAGE_TOO_LARGE`; anything else takes
 * `fallback`, the code of what was refused. AppSync's own type and message stay in the
 * error's text.
 */
export function appSyncErrorCode(errorType: string | undefined, fallback: ErrorCode): ErrorCode {
  if (errorType === undefined) return fallback;
  if (/unauthori[sz]ed|forbidden|accessdenied/i.test(errorType)) return 'UNAUTHORIZED';
  if (/throttl|limitexceeded|toomanyrequests/i.test(errorType)) return 'RATE_LIMITED';
  if (/toolarge/i.test(errorType)) return 'MESSAGE_TOO_LARGE';
  return fallback;
}
