/**
 * The load process of the recovery benchmark (suites/recovery.bench.ts): `count` raw `ws`
 * clients, each subscribed by message to 5 of the 20 symbols, that all drop at once and come
 * back within a spread, resubscribing with `since` (recovery) or without (snapshot only).
 *
 * argv: url, count. IPC commands: `connect`, `drop`, `reconnect`, `stop` (see RecoveryCommand).
 */
import WebSocket from 'ws';
import { BENCH_SYMBOLS, SYMBOLS_PER_CLIENT } from './fanoutBenchProtocol.js';

/** Orchestrator → load process. */
export type RecoveryCommand =
  | { cmd: 'connect' }
  | { cmd: 'drop' }
  | { cmd: 'reconnect'; since: boolean; spreadMs: number; timeoutMs: number }
  | { cmd: 'stop' };

/** Load process → orchestrator. */
export type RecoveryReply =
  | { type: 'connected'; clients: number }
  | { type: 'dropped' }
  | {
      type: 'storm';
      /** Clients live again (answered and then a live `trades` message) within the timeout. */
      live: number;
      /** From the first reconnect to the last client live again, ms. */
      allLiveMs: number;
      /** Per client, from its own reconnect to live again: median and p99, ms. */
      p50LiveMs: number;
      p99LiveMs: number;
      /** Trades that arrived before the first live message (recovered or snapshot). */
      caughtUpTrades: number;
      /** Seq holes and repeats across the outage, per client and symbol. */
      holes: number;
      repeats: number;
      /** Symbols the server said it could not recover. */
      unrecovered: number;
    };

const [url = '', countText = '0'] = process.argv.slice(2);
const count = Number(countText);
const reply = (message: RecoveryReply) => process.send?.(message);

interface Client {
  symbols: string[];
  /** Last seq held per symbol. */
  last: Map<string, number>;
  socket?: WebSocket;
  reconnectedAt: number;
  answeredAt: number;
  liveAt: number;
  caughtUp: number;
  holes: number;
  repeats: number;
  unrecovered: number;
}

function symbolsOf(index: number): string[] {
  const chosen: string[] = [];
  for (let i = 0; chosen.length < SYMBOLS_PER_CLIENT; i++) {
    chosen.push(BENCH_SYMBOLS[(index * 7 + i * 3) % BENCH_SYMBOLS.length]!);
  }
  return [...new Set(chosen)];
}

const clients: Client[] = Array.from({ length: count }, (_, i) => ({
  symbols: symbolsOf(i),
  last: new Map(),
  reconnectedAt: 0,
  answeredAt: 0,
  liveAt: 0,
  caughtUp: 0,
  holes: 0,
  repeats: 0,
  unrecovered: 0,
}));

interface WireTrade {
  symbol: string;
  seq: number;
}

/** Applies trades in arrival order, counting holes and repeats against the last seq held. */
function apply(client: Client, trades: WireTrade[], checked: boolean): void {
  for (const { symbol, seq } of trades) {
    const last = client.last.get(symbol);
    if (last !== undefined && checked) {
      if (seq <= last) {
        client.repeats++;
        continue;
      }
      if (seq > last + 1) client.holes += seq - last - 1;
    }
    client.last.set(symbol, seq);
  }
}

function open(client: Client, since: boolean | undefined, onOpen: () => void): void {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  client.socket = socket;
  socket.on('open', () => {
    const body: Record<string, unknown> = { action: 'subscribe', symbols: client.symbols };
    if (since) body.since = Object.fromEntries(client.last);
    socket.send(JSON.stringify(body));
    onOpen();
  });
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      type: string;
      trades?: WireTrade[];
      unrecovered?: unknown[];
    };
    const answered = client.answeredAt > 0;
    if (message.type === 'trades') {
      // Before the answer these are recovered trades; after it, live ones.
      if (!answered) client.caughtUp += message.trades!.length;
      else if (client.liveAt === 0) client.liveAt = Date.now();
      apply(client, message.trades!, since === true);
    } else if (message.type === 'snapshot') {
      // A snapshot replaces what the client holds: no hole is counted across it.
      client.caughtUp += message.trades!.length;
      apply(client, message.trades!, false);
      if (since === false) client.answeredAt = Date.now();
    } else if (message.type === 'recovery') {
      client.unrecovered += message.unrecovered?.length ?? 0;
      client.answeredAt = Date.now();
    }
  });
  socket.on('error', () => {});
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

process.on('message', async (command: RecoveryCommand) => {
  if (command.cmd === 'connect') {
    let opened = 0;
    await new Promise<void>((resolve) => {
      for (const client of clients) open(client, undefined, () => ++opened === count && resolve());
    });
    // Every client holds a seq of each of its symbols (snapshot or trade) before the outage.
    while (clients.some((c) => c.last.size < c.symbols.length)) await sleep(50);
    reply({ type: 'connected', clients: opened });
  } else if (command.cmd === 'drop') {
    for (const client of clients) client.socket?.terminate();
    reply({ type: 'dropped' });
  } else if (command.cmd === 'reconnect') {
    const started = Date.now();
    for (const client of clients) {
      Object.assign(client, { answeredAt: 0, liveAt: 0, caughtUp: 0, holes: 0, repeats: 0 });
      client.unrecovered = 0;
      setTimeout(() => {
        client.reconnectedAt = Date.now();
        open(client, command.since, () => {});
      }, Math.random() * command.spreadMs);
    }
    const deadline = started + command.timeoutMs;
    while (Date.now() < deadline && clients.some((c) => c.liveAt === 0)) await sleep(20);
    const live = clients.filter((c) => c.liveAt > 0);
    const perClient = live.map((c) => c.liveAt - c.reconnectedAt);
    const sum = (pick: (c: Client) => number) => clients.reduce((n, c) => n + pick(c), 0);
    reply({
      type: 'storm',
      live: live.length,
      allLiveMs: Math.max(0, ...live.map((c) => c.liveAt)) - started,
      p50LiveMs: quantile(perClient, 0.5),
      p99LiveMs: quantile(perClient, 0.99),
      caughtUpTrades: sum((c) => c.caughtUp),
      holes: sum((c) => c.holes),
      repeats: sum((c) => c.repeats),
      unrecovered: sum((c) => c.unrecovered),
    });
  } else if (command.cmd === 'stop') {
    for (const client of clients) client.socket?.terminate();
    process.exit(0);
  }
});
