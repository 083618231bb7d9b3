/**
 * Serverless fan-out: PostToConnection calls per 1,000 trades, ours (one message per
 * connection per Kinesis batch, `buildDeliveries`) against the per-trade-per-connection design
 * (one PostToConnection per trade per subscribed client), same trades, same clients. Calls are
 * counted at the local API Gateway emulator; trades are counted at real `ws` clients.
 *
 * `BENCH_QUICK=1` runs a reduced scale. The per-trade design makes ~12 calls per published
 * trade here, each a signed HTTP request, so the full scale is kept modest (100 clients).
 */
import type { ServerMessage, Trade } from '@market-stream/core';
import {
  createApiGatewayTransport,
  MemoryConnectionStore,
  type Transport,
} from '@market-stream/fanout';
import {
  createConnectHandler,
  createDisconnectHandler,
  createMessageHandler,
  createStreamProcessor,
  type KinesisEventLike,
} from '@market-stream/fanout/lambda';
import { startApiGatewayEmulator } from '@market-stream/fanout/local';
import WebSocket from 'ws';
import { fmt, median, ratio, repeat, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const QUICK = process.env.BENCH_QUICK === '1';
const CLIENTS = QUICK ? 50 : 100;
const SYMBOLS = Array.from({ length: 20 }, (_, i) => `SYM${String.fromCharCode(65 + i)}`);
const PER_CLIENT = 5;
const BATCHES = QUICK ? 3 : 5;
const TRADES_PER_BATCH = 100; // 1,000 trades/s in 100 ms Kinesis batching windows
const SHARDS = 8;
// Call and delivery counts are deterministic; repeats would only re-measure the wall time.
const RUNS = 1;

Object.assign(process.env, {
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
});

type Design = 'ours (latest)' | 'ours (all)' | 'per trade per connection';

interface Result {
  calls: number;
  published: number;
  delivered: number;
  ms: number;
}

/** Deterministic pseudo-random numbers, so every design sees the same subscriptions. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

function batches(): Trade[][] {
  const next = random(7);
  const seq = new Map<string, number>();
  let time = Date.now();
  return Array.from({ length: BATCHES }, () =>
    Array.from({ length: TRADES_PER_BATCH }, () => {
      const symbol = SYMBOLS[Math.floor(next() * SYMBOLS.length)] as string;
      const n = (seq.get(symbol) ?? 0) + 1;
      seq.set(symbol, n);
      const price = Math.round((100 + next() * 10) * 100) / 100;
      return {
        symbol,
        price,
        size: 100,
        bid: price - 0.01,
        ask: price + 0.01,
        timestamp: time++,
        seq: n,
      };
    }),
  );
}

function kinesisEvent(trades: Trade[]): KinesisEventLike {
  return {
    Records: trades.map((trade, i) => ({
      kinesis: {
        data: Buffer.from(JSON.stringify(trade)).toString('base64'),
        partitionKey: trade.symbol,
        sequenceNumber: String(i + 1),
      },
    })),
  };
}

async function measure(design: Design, workload: Trade[][]): Promise<Result> {
  const store = new MemoryConnectionStore({ shards: SHARDS });
  let transport: ReturnType<typeof createApiGatewayTransport> | undefined;
  const reply: Pick<Transport, 'send'> = {
    send: (id, payload) => (transport as Transport).send(id, payload),
  };
  const message = createMessageHandler({ store, transport: reply, shards: SHARDS });
  const emulator = await startApiGatewayEmulator({
    handlers: {
      connect: createConnectHandler({ store, shards: SHARDS }),
      disconnect: createDisconnectHandler({ store }),
      message: { ping: message, $default: message },
    },
  });
  transport = createApiGatewayTransport({
    endpoint: emulator.managementEndpoint,
    concurrency: 32,
    store,
  });

  const next = random(42);
  const sockets: WebSocket[] = [];
  const received = { trades: 0, pongs: 0 };
  for (let i = 0; i < CLIENTS; i++) {
    const picked = [...SYMBOLS].sort(() => next() - 0.5).slice(0, PER_CLIENT);
    const socket = new WebSocket(`${emulator.url}?symbols=${picked.join(',')}`);
    socket.on('message', (data) => {
      const parsed = JSON.parse(String(data)) as ServerMessage;
      if (parsed.type === 'trades') received.trades += parsed.trades.length;
      else if (parsed.type === 'pong') received.pongs++;
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    sockets.push(socket);
  }
  emulator.resetStats();

  const processor = createStreamProcessor({
    store,
    transport,
    shards: SHARDS,
    mode: design === 'ours (all)' ? 'all' : 'latest',
  });
  const started = performance.now();
  for (const trades of workload) {
    if (design === 'per trade per connection') {
      const connections = (
        await Promise.all(Array.from({ length: SHARDS }, (_, shard) => store.listShard(shard)))
      ).flat();
      const sends: Promise<unknown>[] = [];
      for (const trade of trades) {
        const payload = JSON.stringify({ type: 'trades', trades: [trade] });
        for (const connection of connections) {
          if (connection.symbols.includes(trade.symbol))
            sends.push(transport.send(connection.id, payload));
        }
      }
      await Promise.all(sends);
    } else {
      await processor(kinesisEvent(trades));
    }
  }
  const ms = performance.now() - started;
  const calls = emulator.stats().posts;

  // Every socket receives in order: once its pong is back, all its trades have arrived.
  for (const socket of sockets) socket.send('{"action":"ping"}');
  const deadline = Date.now() + 60_000;
  while (received.pongs < sockets.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const socket of sockets) socket.terminate();
  await emulator.close();
  return { calls, published: workload.length * TRADES_PER_BATCH, delivered: received.trades, ms };
}

runSuite(async () => {
  const workload = batches();
  const designs: Design[] = ['ours (latest)', 'ours (all)', 'per trade per connection'];
  const results = new Map<Design, Result[]>();
  for (const design of designs)
    results.set(design, await repeat(RUNS, () => measure(design, workload), { warmup: 0 }));

  const summary = designs.map((design) => {
    const runs = results.get(design) as Result[];
    return {
      design,
      calls: median(runs.map((r) => r.calls)),
      published: runs[0]?.published ?? 0,
      delivered: median(runs.map((r) => r.delivered)),
      ms: median(runs.map((r) => r.ms)),
    };
  });
  const naive = summary[2] as (typeof summary)[number];
  const rows = summary.map((s) => [
    s.design,
    fmt(s.calls),
    fmt(s.delivered),
    fmt((1000 * s.calls) / s.published, 1),
    fmt((1000 * s.calls) / Math.max(1, s.delivered), 1),
    fmt(s.ms),
    ratio(naive.calls, s.calls),
  ]);
  return {
    title: 'Serverless fan-out: PostToConnection calls',
    markdown: [
      `${CLIENTS} real \`ws\` clients on the local API Gateway emulator, each subscribed to ${PER_CLIENT} of ${SYMBOLS.length} symbols (\`?symbols=\` on connect); ${BATCHES} Kinesis batches of ${TRADES_PER_BATCH} trades (1,000 trades/s in 100 ms batching windows), the same trades for every design. Calls counted at the emulator's @connections API; trades counted at the clients. Store: MemoryConnectionStore (the call count does not depend on it). Median of ${RUNS} run(s).`,
      '',
      table(
        [
          'design',
          'PostToConnection calls',
          'trades delivered',
          'calls / 1,000 trades published',
          'calls / 1,000 trades delivered',
          'wall ms',
          'fewer calls than per-trade',
        ],
        rows,
      ),
      '',
      `At API Gateway's default 10,000 @connections requests/s per account, the per-trade design needs ${fmt((naive.calls / BATCHES) * 10)} calls/s for this load; ours needs ${fmt(((summary[1]?.calls ?? 0) / BATCHES) * 10)} (\`all\`) or ${fmt(((summary[0]?.calls ?? 0) / BATCHES) * 10)} (\`latest\`). In \`all\` mode every trade is still delivered (same "trades delivered" as the per-trade design).`,
    ].join('\n'),
  };
});
