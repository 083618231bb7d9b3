/** Adds `?token=…` to a WebSocket URL, keeping any query it already has. */
export function connectionUrl(url: string, token: string | undefined): string {
  if (token === undefined) return url;
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}token=${encodeURIComponent(token)}`;
}
