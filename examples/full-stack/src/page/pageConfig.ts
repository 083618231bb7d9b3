/** The AppSync Events endpoint the page subscribes to instead of a plain WebSocket. */
export interface PageEvents {
  realtimeUrl: string;
  host: string;
  apiKey: string;
}

/**
 * What the page script needs, whichever server rendered the page: the tickers, where to
 * subscribe and where the history API is.
 */
export interface PageConfig {
  symbols: string[];
  /** `ws(s)://…` of the fan-out; ignored when `events` is set. */
  webSocketUrl: string;
  /** The history API's base, e.g. `/api` (`/api/trades`, `/api/bars`); `null` without one. */
  historyUrl: string | null;
  /** The `events` topology: AppSync Events (locally the emulator). */
  events?: PageEvents;
}

/** The inline `#config` of the local server's page (renderPage). */
interface InlineConfig {
  symbols: string[];
  events?: PageEvents;
}

/** `config.json` as TickerWebsite writes it at deploy time. */
interface SiteConfig {
  webSocketUrl?: string;
  historyApiUrl?: string | null;
  tickers?: string[];
  appSyncEvents?: {
    realtimeUrl: string;
    host: string;
    apiKey: string | null;
    channelNamespace?: string;
  };
}

/**
 * The local server's inline config: the fan-out at `/ws` and the history at `/api` of the
 * page's own origin.
 */
export function fromInlineConfig(inline: InlineConfig, origin: URL): PageConfig {
  const scheme = origin.protocol === 'https:' ? 'wss' : 'ws';
  return {
    symbols: inline.symbols ?? [],
    webSocketUrl: `${scheme}://${origin.host}/ws`,
    historyUrl: '/api',
    ...(inline.events && { events: inline.events }),
  };
}

/**
 * The deployed site's `config.json` (TickerWebsite). The page subscribes through AppSync Events
 * only with an API key: the website construct gives one to browsers for the `events` topology.
 *
 * @throws Error when the Event API takes no API key (Cognito or OIDC only): this page has no
 * sign-in, and a plain WebSocket to the realtime URL would only fail over and over.
 */
export function fromSiteConfig(site: SiteConfig): PageConfig {
  const events = site.appSyncEvents;
  if (events && !events.apiKey) {
    throw new Error(
      'the Event API takes no API key (Cognito or OIDC only) and this page has no sign-in: give browsers an API key (the default) or serve a page that signs in',
    );
  }
  return {
    symbols: site.tickers ?? [],
    webSocketUrl: site.webSocketUrl ?? '',
    historyUrl: site.historyApiUrl ?? null,
    ...(events?.apiKey && {
      events: { realtimeUrl: events.realtimeUrl, host: events.host, apiKey: events.apiKey },
    }),
  };
}

/**
 * Reads the page's config: the inline `#config` script when the local server rendered it,
 * otherwise `config.json` next to the page (the deployed site).
 */
export async function loadPageConfig(): Promise<PageConfig> {
  const inline = document.getElementById('config')?.textContent;
  if (inline) return fromInlineConfig(JSON.parse(inline) as InlineConfig, new URL(location.href));
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return fromSiteConfig((await response.json()) as SiteConfig);
}
