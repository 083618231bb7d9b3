import { serveFanout } from '@market-stream/fanout';
import { Subject } from 'rxjs';
import { WebSocket } from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import { createTickerClient } from '../../src/index.js';

const source = new Subject<any>();
const server = await serveFanout({ port: 0, source, mode: 'all', flushIntervalMs: 10 });
const client = createTickerClient({
  url: server.url,
  WebSocket: WebSocket as any,
  symbols: ['GAP'],
});
client.status$.subscribe((s) => console.log('status', s));
client.trades$.subscribe((t) => console.log('trade', t.symbol, t.seq));
client.gaps$.subscribe((g) => console.log('gap', g.kind, g.seq));
const raw = new WebSocket(server.url);
raw.on('message', (d) => console.log('raw', String(d).slice(0, 200)));
raw.on('open', () => raw.send(JSON.stringify({ action: 'subscribe', symbols: ['GAP'] })));
await new Promise((r) => setTimeout(r, 300));
for (const seq of [1, 2, 5, 6]) source.next(tradeFactory({ symbol: 'GAP', seq }));
await new Promise((r) => setTimeout(r, 300));
client.close();
raw.close();
await server.close();
