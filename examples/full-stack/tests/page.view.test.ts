import { describe, expect, it } from 'vitest';
import { readView, viewUrl } from '../src/page/chartView.js';

const symbols = ['AAPL', 'MSFT'];

describe('readView()', () => {
  it('reads the symbol and interval of a link', () => {
    expect(readView('?symbol=AAPL&interval=15m', symbols)).toEqual({
      symbol: 'AAPL',
      interval: '15m',
    });
    expect(readView('?symbol=msft', symbols)).toEqual({ symbol: 'MSFT', interval: '1m' });
  });

  it('falls back to no selection and 1m for what the page does not offer', () => {
    expect(readView('', symbols)).toEqual({ symbol: null, interval: '1m' });
    expect(readView('?symbol=TSLA&interval=7m', symbols)).toEqual({ symbol: null, interval: '1m' });
  });
});

describe('viewUrl()', () => {
  it('sets the view and keeps the other parameters', () => {
    const url = viewUrl('http://127.0.0.1:3000/?symbols=AAPL,MSFT', {
      symbol: 'MSFT',
      interval: '5m',
    });

    expect(url).toBe('/?symbols=AAPL%2CMSFT&symbol=MSFT&interval=5m');
    expect(readView(new URL(url, 'http://x').search, symbols)).toEqual({
      symbol: 'MSFT',
      interval: '5m',
    });
  });

  it('drops the view when nothing is selected', () => {
    expect(viewUrl('http://h/?symbol=AAPL&interval=1h#x', { symbol: null, interval: '1h' })).toBe(
      '/#x',
    );
  });
});
