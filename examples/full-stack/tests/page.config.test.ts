import { describe, expect, it } from 'vitest';
import { fromInlineConfig, fromSiteConfig } from '../src/page/pageConfig.js';

describe('fromInlineConfig()', () => {
  it('subscribes at /ws and reads history at /api of the page’s own origin', () => {
    const config = fromInlineConfig({ symbols: ['AAPL'] }, new URL('https://ticker.test:8443/?x'));

    expect(config).toEqual({
      symbols: ['AAPL'],
      webSocketUrl: 'wss://ticker.test:8443/ws',
      historyUrl: '/api',
    });
  });
});

describe('fromSiteConfig()', () => {
  it('maps TickerWebsite’s config.json: the WebSocket URL, the tickers, the history API', () => {
    const config = fromSiteConfig({
      webSocketUrl: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
      historyApiUrl: '/api',
      tickers: ['AAPL', 'MSFT'],
    });

    expect(config).toEqual({
      symbols: ['AAPL', 'MSFT'],
      webSocketUrl: 'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
      historyUrl: '/api',
    });
  });

  it('subscribes through AppSync Events when config.json has appSyncEvents with an API key', () => {
    const appSyncEvents = {
      realtimeUrl: 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
      host: 'x.appsync-api.us-east-1.amazonaws.com',
      apiKey: 'da2-key',
      channelNamespace: 'trades',
    };

    const config = fromSiteConfig({ webSocketUrl: appSyncEvents.realtimeUrl, appSyncEvents });

    expect(config.events).toEqual({
      realtimeUrl: appSyncEvents.realtimeUrl,
      host: appSyncEvents.host,
      apiKey: 'da2-key',
    });
    expect(config.symbols).toEqual([]);
  });

  it('has no history API when config.json says null', () => {
    const config = fromSiteConfig({
      webSocketUrl: 'wss://w',
      historyApiUrl: null,
      tickers: ['AAPL'],
    });

    expect(config.historyUrl).toBeNull();
    expect(config.events).toBeUndefined();
  });

  it('refuses an Event API without an API key rather than subscribe with a plain WebSocket', () => {
    const appSyncEvents = {
      realtimeUrl: 'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
      host: 'abc.appsync-api.us-east-1.amazonaws.com',
      apiKey: null,
    };

    expect(() =>
      fromSiteConfig({ webSocketUrl: appSyncEvents.realtimeUrl, appSyncEvents }),
    ).toThrow(/no API key/);
  });
});
