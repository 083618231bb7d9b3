import { chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { servePage } from '../helpers/servePage.js';

const symbols = [
  'AAPL',
  'MSFT',
  'NVDA',
  'AMZN',
  'GOOGL',
  'META',
  'TSLA',
  'BRK.B',
  'JPM',
  'V',
  'UNH',
  'XOM',
  'JNJ',
  'WMT',
  'MA',
  'PG',
  'AVGO',
  'HD',
  'CVX',
  'LLY',
];
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((r) => wss.once('listening', r));
const port = (wss.address() as { port: number }).port;
const prices = new Map(symbols.map((s, i) => [s, 50 + i * 23.17]));
const seqs = new Map(symbols.map((s) => [s, 0]));
const make = (s: string) => {
  const p = Math.max(
    1,
    Math.round(prices.get(s)! * (1 + (Math.random() - 0.5) * 0.004) * 100) / 100,
  );
  prices.set(s, p);
  seqs.set(s, seqs.get(s)! + 1);
  return {
    symbol: s,
    price: p,
    size: 100,
    bid: p - 0.01,
    ask: p + 0.01,
    timestamp: Date.now(),
    seq: seqs.get(s)!,
  };
};
wss.on('connection', (ws) => {
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.action === 'subscribe')
      ws.send(JSON.stringify({ type: 'snapshot', trades: m.symbols.map(make) }));
  });
});
const timer = setInterval(() => {
  const trades = symbols.filter(() => Math.random() < 0.3).map(make);
  for (const c of wss.clients) c.send(JSON.stringify({ type: 'trades', trades }));
}, 100);
const page = await servePage();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
tab.on('console', (m) => console.log('console', m.text()));
tab.on('pageerror', (e) => console.log('pageerror', e));
await tab.goto(`${page.url}?ws=ws://127.0.0.1:${port}/ws&symbols=${symbols.join(',')}`);
await tab.waitForTimeout(2500);
await tab.screenshot({ path: '/work/main/test-artifacts/preview.png' });
console.log(await tab.evaluate(() => (globalThis as any).ticker.statuses));
await browser.close();
clearInterval(timer);
wss.close();
await page.close();
