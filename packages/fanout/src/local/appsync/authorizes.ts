/** The credentials an emulator accepts. */
export interface Credentials {
  apiKeys: ReadonlySet<string>;
  tokens: ReadonlySet<string>;
}

/**
 * Whether headers carry a valid credential: an `x-api-key` among the API keys, or an
 * `Authorization` among the tokens. Header names are matched case-insensitively, as HTTP
 * headers are, whether they come from a request, the `header-` subprotocol or a message's
 * `authorization` object.
 */
export function authorizes(credentials: Credentials, headers: unknown): boolean {
  if (typeof headers !== 'object' || headers === null) return false;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') continue;
    const lower = name.toLowerCase();
    if (lower === 'x-api-key' && credentials.apiKeys.has(value)) return true;
    if (lower === 'authorization' && credentials.tokens.has(value)) return true;
  }
  return false;
}
