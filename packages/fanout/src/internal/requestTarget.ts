/**
 * Parses an HTTP request target (`request.url`) the one way every server of this package does:
 * origin form (`/ws?symbols=AAPL`), absolute form (`http://host/ws`) and `*` resolve against a
 * placeholder origin; anything WHATWG URL cannot parse (`//`, `http://[`, `http://a:99999/`,
 * which Node's HTTP parser lets through) yields `undefined`, never a throw, so a caller answers
 * 400 instead of crashing.
 *
 * @param target - The request target as received; `undefined` reads as `/`.
 * @returns The parsed URL, or `undefined` when the target cannot be parsed.
 *
 * @example
 * ```ts
 * parseRequestTarget('/ws?symbols=AAPL')?.pathname; // '/ws'
 * parseRequestTarget('//'); // undefined
 * ```
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/**
 * Percent-decodes one path segment; `undefined` for a malformed escape (`%E0%A4%A`, `%`) instead
 * of `decodeURIComponent`'s `URIError`.
 *
 * @param segment - A path segment as it appears in the URL.
 * @returns The decoded segment, or `undefined` when it is not valid percent-encoded UTF-8.
 *
 * @example
 * ```ts
 * decodePathSegment('a%2Fb'); // 'a/b'
 * decodePathSegment('%E0%A4%A'); // undefined
 * ```
 */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
