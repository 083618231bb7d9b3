import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRequestTarget } from '../../internal/requestTarget.js';
import type { FanoutMetricsSnapshot } from '../../metrics/FanoutMetrics.js';

/**
 * What {@link createRequestListener} needs from `serveFanout`.
 *
 * @example
 * ```ts
 * const options: RequestListenerOptions = {
 *   healthPath: '/healthz', isClosing: () => false, snapshot: () => fanout.metrics.snapshot(),
 * };
 * ```
 */
export interface RequestListenerOptions {
  /** The path health checks are answered on; none when undefined. */
  healthPath?: string;
  /** `true` once the server is closing: health checks then get 503. */
  isClosing: () => boolean;
  /** This process's metrics, sent with a healthy answer. */
  snapshot: () => FanoutMetricsSnapshot;
}

/**
 * The `request` listener of a server `serveFanout` creates itself (plain HTTP requests, not
 * upgrades). A `GET` or `HEAD` of `healthPath` answers 200 `{"status":"ok", ...snapshot}` while
 * the server serves and 503 `{"status":"closing"}` once `close()` started, so a load balancer
 * stops routing to a process that is going away; another method on it is 405. Every other
 * request (and every request when there is no `healthPath`) is 426 Upgrade Required. A target
 * that cannot be parsed is never a health check. Never throws.
 *
 * @param options - See {@link RequestListenerOptions}.
 * @returns The listener, for `http.createServer(listener)`.
 *
 * @example
 * ```ts
 * const server = createServer(
 *   createRequestListener({ healthPath: '/healthz', isClosing: () => closing, snapshot: () => metrics.snapshot() }),
 * );
 * ```
 */
export function createRequestListener(
  options: RequestListenerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { healthPath, isClosing, snapshot } = options;
  return (request, response) => {
    if (healthPath === undefined || parseRequestTarget(request.url)?.pathname !== healthPath) {
      response.writeHead(426).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const closing = isClosing();
    const body = JSON.stringify(closing ? { status: 'closing' } : { status: 'ok', ...snapshot() });
    response.writeHead(closing ? 503 : 200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}
