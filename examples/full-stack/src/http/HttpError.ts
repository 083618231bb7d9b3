/**
 * A request the local server refuses: answered with `status` and
 * `{ error: { code, message }, ...details }`, plus any `headers` (e.g. `Retry-After`).
 */
export class HttpError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
