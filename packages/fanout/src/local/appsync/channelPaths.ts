// A channel segment: the pattern of a channel namespace name, which AppSync applies to every
// segment (https://docs.aws.amazon.com/appsync/latest/APIReference/API_ChannelNamespace.html).
const SEGMENT = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/;
// A channel has at most 5 segments, the namespace included.
const MAX_SEGMENTS = 5;

/** A channel path read from a request: its normalized form and segments, or why it is invalid. */
export type ChannelPath =
  | { ok: true; path: string; segments: string[]; wildcard: boolean }
  | { ok: false; reason: string };

/**
 * Reads a channel path as AppSync does: `/namespace/a/b` (the leading slash optional, as in the
 * HTTP publish example `default/channel`), 1 to 5 segments of letters, digits and dashes. A
 * subscription may end in `/*`; a publish may not. The returned `path` always starts with `/`
 * and has no trailing `/*` (wildcard says whether there was one).
 */
export function readChannelPath(value: unknown, allowWildcard: boolean): ChannelPath {
  if (typeof value !== 'string' || value.length === 0) {
    return { ok: false, reason: 'channel must be a non-empty string' };
  }
  const segments = (value.startsWith('/') ? value.slice(1) : value).split('/');
  let wildcard = false;
  if (segments.length > 1 && segments[segments.length - 1] === '*') {
    if (!allowWildcard) return { ok: false, reason: `cannot publish to a wildcard: ${value}` };
    wildcard = true;
    segments.pop();
  }
  if (segments.length + (wildcard ? 1 : 0) > MAX_SEGMENTS) {
    return { ok: false, reason: `channel has more than ${MAX_SEGMENTS} segments: ${value}` };
  }
  if (!segments.every((segment) => SEGMENT.test(segment))) {
    return { ok: false, reason: `invalid channel path: ${value}` };
  }
  return { ok: true, path: `/${segments.join('/')}`, segments, wildcard };
}
