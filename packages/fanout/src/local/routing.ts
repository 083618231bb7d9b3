import { decodePathSegment } from '../internal/requestTarget.js';
import type { WebSocketHandler } from '../lambda/webSocketEvents.js';

/** API Gateway's route selection with `$request.body.action`. */
export function selectRoute(body: string, routes: Record<string, WebSocketHandler>): string {
  try {
    const value = JSON.parse(body) as { action?: unknown };
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof value.action === 'string' &&
      value.action !== '$default' &&
      Object.hasOwn(routes, value.action)
    ) {
      return value.action;
    }
  } catch {
    // Not JSON: API Gateway falls back to $default.
  }
  return '$default';
}

/**
 * The stage an upgrade asks for: the one segment of `/{stage}` or `/{stage}/`, percent-decoded;
 * `''` for any other shape (no stage matches it), `undefined` for a malformed escape.
 */
export function stageOf(pathname: string): string | undefined {
  const match = /^\/([^/]+)\/?$/.exec(pathname);
  return match ? decodePathSegment(match[1] as string) : '';
}
