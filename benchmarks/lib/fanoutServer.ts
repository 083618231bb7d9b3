/**
 * The server process of the fan-out benchmark: one of the compared servers plus the trade
 * source, which generates `rate` trades per second round-robin over 20 symbols. Each trade's
 * timestamp is its scheduled time, so a server too busy to keep its own generator on time shows
 * that delay as latency instead of hiding it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trade } from '@market-stream/core';
import { serveFanout } from '@market-stream/fanout';
import { Subject } from 'rxjs';
import { Server as SocketIoServer } from 'socket.io';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  BENCH_SYMBOLS,
  type ServerCommand,
  type ServerKind,
  type ServerReply,
} from './fanoutBenchProtocol.js';

const kind = process.argv[2] as ServerKind;
const reply = (message: ServerReply) => process.send?.(message);

const trades = new Subject<Trade>();
type EngineFigures = Pick<
  Extract<ServerReply, { type: 'stats' }>,
  'connections' | 'flushIntervalMs' | 'messagesOut' | 'sendLatency'
>;
let connections = () => 0;
let engineFigures: (() => Promise<EngineFigures>) | undefined;
/** Other processes whose CPU counts as the server's (its workers). */
let helperPids: () => number[] = () => [];

/** CPU time of another process so far, µs (Linux `/proc`; 0 once it is gone). */
function cpuMicrosOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return 0;
  }
}

/**
 * Time the main thread of a process spent runnable but waiting for a core so far, µs (Linux
 * schedstat; 0 where it is missing). Latency a server cannot help: the machine's cores were busy.
 */
function runQueueMicrosOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e3;
  } catch {
    return 0;
  }
}

async function start(): Promise<number> {
  if (kind === 'engine-all' || kind === 'engine-latest' || kind === 'engine-all-w2') {
    const server = await serveFanout({
      port: 0,
      source: trades,
      mode: kind === 'engine-latest' ? 'latest' : 'all',
      heartbeatIntervalMs: 0,
      maxQueuedMessages: 1_000,
      workers: kind === 'engine-all-w2' ? 2 : 1,
    });
    connections = () => server.metrics.connections;
    engineFigures = async () => {
      const snapshot = await server.refreshMetrics();
      const { p50, p99 } = snapshot.latencyMs;
      return {
        connections: snapshot.connections,
        flushIntervalMs: snapshot.flushIntervalMs,
        messagesOut: snapshot.messagesOut,
        sendLatency: { p50, p99 },
      };
    };
    helperPids = () => server.workerPids().filter((pid) => pid !== process.pid);
    return server.port;
  }
  const http = createServer();
  if (kind === 'naive-ws') {
    const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });
    const clients = new Map<WebSocket, Set<string>>();
    wss.on('connection', (socket, request) => {
      const symbols = new URL(request.url ?? '/', 'http://x').searchParams.get('symbols') ?? '';
      clients.set(socket, new Set(symbols.split(',')));
      socket.on('close', () => clients.delete(socket));
      socket.on('error', () => {});
    });
    connections = () => clients.size;
    trades.subscribe((trade) => {
      for (const [socket, symbols] of clients) {
        if (symbols.has(trade.symbol)) {
          socket.send(JSON.stringify({ type: 'trades', trades: [trade] }));
        }
      }
    });
  } else {
    const io = new SocketIoServer(http, { transports: ['websocket'], serveClient: false });
    io.on('connection', (socket) => {
      const symbols = String(socket.handshake.query.symbols ?? '').split(',');
      for (const symbol of symbols) void socket.join(symbol);
    });
    connections = () => io.engine.clientsCount;
    trades.subscribe((trade) => {
      io.to(trade.symbol).emit('trades', { type: 'trades', trades: [trade] });
    });
  }
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return (http.address() as AddressInfo).port;
}

// The source: `rate` trades per second, caught up every tick, stamped with their scheduled time.
const seqs = new Map<string, number>(BENCH_SYMBOLS.map((symbol) => [symbol, 0]));
const prices = new Map<string, number>(BENCH_SYMBOLS.map((symbol, i) => [symbol, 50 + i * 10]));
let rate = 0;
let epoch = 0;
let emitted = 0;
let cursor = 0;

function tick(): void {
  if (rate <= 0) return;
  const now = Date.now();
  // Trade k is due at epoch + k / rate: trade 0 at once.
  const due = Math.floor(((now - epoch) * rate) / 1000) + 1;
  for (; emitted < due; emitted++) {
    const symbol = BENCH_SYMBOLS[cursor++ % BENCH_SYMBOLS.length]!;
    const seq = seqs.get(symbol)! + 1;
    seqs.set(symbol, seq);
    const price = Math.max(
      1,
      Math.round((prices.get(symbol)! + (Math.random() - 0.5) * 0.2) * 100) / 100,
    );
    prices.set(symbol, price);
    trades.next({
      symbol,
      price,
      size: 100,
      bid: Math.round((price - 0.01) * 100) / 100,
      ask: Math.round((price + 0.01) * 100) / 100,
      timestamp: epoch + (emitted * 1000) / rate,
      seq,
    });
  }
}
setInterval(tick, 2);

process.on('message', (command: ServerCommand) => {
  if (command.cmd === 'rate') {
    tick();
    rate = command.rate;
    epoch = Date.now();
    emitted = 0;
  } else if (command.cmd === 'stats') {
    tick();
    const cpu = process.cpuUsage();
    const helpers = helperPids();
    const stats = {
      type: 'stats' as const,
      cpuMicros: cpu.user + cpu.system + helpers.reduce((sum, pid) => sum + cpuMicrosOf(pid), 0),
      runQueueMicros: Object.fromEntries(
        [process.pid, ...helpers].map((pid) => [pid, runQueueMicrosOf(pid)]),
      ),
      rss: process.memoryUsage().rss,
      seqs: Object.fromEntries(seqs),
      connections: connections(),
    };
    if (engineFigures === undefined) reply(stats);
    else void engineFigures().then((figures) => reply({ ...stats, ...figures }));
  } else if (command.cmd === 'stop') {
    process.exit(0);
  }
});

start().then(
  (port) => reply({ type: 'ready', port }),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
