import type { AppSyncEventsError, ErrorCode, ErrorMessage } from '@market-stream/core';

/**
 * The wire protocol's `error` message for what AppSync Events refused (a subscription, the
 * connection, a message): the code follows AppSync's first `errorType` — refused credentials
 * (`UnauthorizedException`, forbidden, access denied) are `UNAUTHORIZED`, throttling and
 * limits are `RATE_LIMITED`, a payload over a limit is `MESSAGE_TOO_LARGE`; anything else takes
 * `fallback`, the code of what was refused. AppSync's own type and message stay in the text.
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-websocket-protocol.html
 */
export function appSyncErrorMessage(
  errors: readonly AppSyncEventsError[] | undefined,
  fallback: ErrorCode,
  what: string,
): ErrorMessage {
  const first = Array.isArray(errors) ? errors[0] : undefined;
  const type = typeof first?.errorType === 'string' ? first.errorType : '';
  const reason = first ? `${type}${first.message ? `: ${first.message}` : ''}` : '';
  return {
    type: 'error',
    code: errorCode(type, fallback),
    message: `AppSync refused ${what}${reason ? ` (${reason})` : ''}`,
  };
}

function errorCode(errorType: string, fallback: ErrorCode): ErrorCode {
  if (/unauthori[sz]ed|forbidden|accessdenied/i.test(errorType)) return 'UNAUTHORIZED';
  if (/throttl|limitexceeded|toomanyrequests/i.test(errorType)) return 'RATE_LIMITED';
  if (/toolarge/i.test(errorType)) return 'MESSAGE_TOO_LARGE';
  return fallback;
}
