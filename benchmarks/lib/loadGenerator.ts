/**
 * A load-generator process of the fan-out benchmark: opens `count` real WebSocket clients
 * (`ws`, or `socket.io-client` for the Socket.IO server), each subscribed to 5 of the 20
 * symbols, and measures what arrives: latency from each trade's timestamp to receipt (1 ms
 * histogram), seq gaps and repeats per client and symbol, and its own CPU time.
 *
 * argv: url, protocol (`ws` | `socket.io`), count, first client index, loopback addresses.
 */
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import {
  BENCH_SYMBOLS,
  type LoadCommand,
  type LoadReply,
  SYMBOLS_PER_CLIENT,
} from './fanoutBenchProtocol.js';

const [url = '', protocol = 'ws', countText = '0', firstText = '0', addressesText = '1'] =
  process.argv.slice(2);
const count = Number(countText);
const first = Number(firstText);
const loopbackAddresses = Math.max(1, Number(addressesText));
const reply = (message: LoadReply) => process.send?.(message);

const MAX_MS = 10_000;
const index = new Map(BENCH_SYMBOLS.map((symbol, i) => [symbol, i]));
let histogram = new Float64Array(MAX_MS + 1);
let updates = 0;
let gaps = 0;
let duplicates = 0;
let disconnects = 0;
let resetAt = Date.now();
let cpuAtReset = process.cpuUsage();
let marked: { updates: number; seconds: number; cpuMicros: number } | undefined;

interface Client {
  symbols: number[];
  /** Last seq seen per symbol index (0 = none yet). */
  last: Int32Array;
  close(): void;
}
const clients: Client[] = [];

/** Subscriptions depend only on the client's global index, so every run and server is alike. */
function symbolsOf(clientIndex: number): number[] {
  let state = (clientIndex + 1) * 2_654_435_761;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 4_294_967_296;
  };
  const pool = BENCH_SYMBOLS.map((_, i) => i);
  const chosen: number[] = [];
  while (chosen.length < SYMBOLS_PER_CLIENT)
    chosen.push(pool.splice(Math.floor(next() * pool.length), 1)[0]!);
  return chosen;
}

interface WireTrade {
  symbol: string;
  timestamp: number;
  seq: number;
}

function receive(client: Client, text: string): void {
  const message = JSON.parse(text) as { type: string; trades?: WireTrade[] };
  // Snapshots carry old trades: they set the seq baseline but are not latency samples.
  if (message.trades !== undefined) record(client, message.trades, message.type === 'trades');
}

function record(client: Client, trades: readonly WireTrade[], measure: boolean): void {
  const now = Date.now();
  for (const trade of trades) {
    const i = index.get(trade.symbol);
    if (i === undefined) continue;
    const last = client.last[i]!;
    if (last !== 0 && trade.seq > last + 1) gaps += trade.seq - last - 1;
    if (trade.seq <= last) duplicates++;
    else client.last[i] = trade.seq;
    if (!measure) continue;
    updates++;
    const latency = Math.max(0, now - trade.timestamp);
    histogram[latency < MAX_MS ? Math.floor(latency) : MAX_MS]!++;
  }
}

function openWs(clientIndex: number): Promise<Client> {
  const symbols = symbolsOf(clientIndex);
  const names = symbols.map((i) => BENCH_SYMBOLS[i]).join(',');
  const localAddress = `127.0.0.${1 + (clientIndex % loopbackAddresses)}`;
  const socket = new WebSocket(`${url}?symbols=${names}`, {
    perMessageDeflate: false,
    localAddress,
  });
  const client: Client = {
    symbols,
    last: new Int32Array(BENCH_SYMBOLS.length),
    close: () => socket.terminate(),
  };
  socket.on('message', (data, isBinary) => {
    if (!isBinary) receive(client, data.toString());
  });
  socket.on('close', () => disconnects++);
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}

function openSocketIo(clientIndex: number): Promise<Client> {
  const symbols = symbolsOf(clientIndex);
  const names = symbols.map((i) => BENCH_SYMBOLS[i]).join(',');
  const socket: Socket = connectSocketIo(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    query: { symbols: names },
  });
  const client: Client = {
    symbols,
    last: new Int32Array(BENCH_SYMBOLS.length),
    close: () => socket.disconnect(),
  };
  // socket.io-client has already parsed the JSON, as the ws clients do themselves.
  socket.on('trades', (message: { trades: WireTrade[] }) => record(client, message.trades, true));
  socket.on('disconnect', () => disconnects++);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('connect_error', reject);
  });
}

async function connectAll(): Promise<void> {
  let failed = 0;
  const open = protocol === 'socket.io' ? openSocketIo : openWs;
  for (let i = 0; i < count; i += 200) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(200, count - i) }, (_, j) => open(first + i + j)),
    );
    for (const result of batch) {
      if (result.status === 'fulfilled') clients.push(result.value);
      else failed++;
    }
  }
  reply({ type: 'connected', clients: clients.length, failed });
}

function missing(seqs: Record<string, number>, allMode: boolean): number {
  let total = 0;
  for (const client of clients) {
    for (const i of client.symbols) {
      const final = seqs[BENCH_SYMBOLS[i]!] ?? 0;
      const last = client.last[i]!;
      if (last < final) total += allMode ? final - last : 1;
    }
  }
  return total;
}

const allMode = process.env.FANOUT_ALL_MODE === '1';
process.on('message', (command: LoadCommand) => {
  if (command.cmd === 'reset') {
    histogram = new Float64Array(MAX_MS + 1);
    updates = 0;
    gaps = 0;
    duplicates = 0;
    marked = undefined;
    resetAt = Date.now();
    cpuAtReset = process.cpuUsage();
  } else if (command.cmd === 'mark') {
    const cpu = process.cpuUsage(cpuAtReset);
    marked = { updates, seconds: (Date.now() - resetAt) / 1000, cpuMicros: cpu.user + cpu.system };
    reply({ type: 'marked' });
  } else if (command.cmd === 'missing') {
    reply({ type: 'missing', missing: missing(command.seqs, allMode) });
  } else if (command.cmd === 'report') {
    const at = marked ?? { updates, seconds: (Date.now() - resetAt) / 1000, cpuMicros: 0 };
    reply({
      type: 'report',
      histogram: Array.from(histogram),
      updates: at.updates,
      seconds: at.seconds,
      gaps,
      duplicates,
      missing: missing(command.seqs, allMode),
      disconnects,
      cpuMicros: at.cpuMicros,
    });
  } else if (command.cmd === 'stop') {
    for (const client of clients) client.close();
    setTimeout(() => process.exit(0), 200).unref();
  }
});

connectAll().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
