/**
 * The events topology against the API Gateway one: operations (publishes + deliveries) AppSync
 * Events bills per 1,000 trades delivered, against the PostToConnection calls the serverless
 * processor makes for the same trades, at 100 / 1,000 / 10,000 clients — counted through the
 * two local emulators with real `ws` clients; then the monthly cost of each topology at seed
 * 000's load from `planFanout`.
 *
 * `BENCH_EVENTS_MAX_CLIENTS` (default 1,000) caps the real clients: a larger count is a whole
 * number of copies of the clients counted (see `realClients`), and its figures are the counted
 * ones scaled by that factor, which is exact here (see the section's note). `BENCH_QUICK=1`
 * publishes 2 batches instead of 5.
 */
import type { ServerMessage } from '@market-stream/core';
import { tradesChannel } from '@market-stream/core';
import {
  createApiGatewayTransport,
  MemoryConnectionStore,
  planFanout,
  type Transport,
} from '@market-stream/fanout';
import {
  createConnectHandler,
  createDisconnectHandler,
  createEventsProcessor,
  createEventsPublisher,
  createMessageHandler,
  createStreamProcessor,
} from '@market-stream/fanout/lambda';
import { startApiGatewayEmulator, startAppSyncEventsEmulator } from '@market-stream/fanout/local';
import WebSocket from 'ws';
import { connectEventsClients } from '../lib/eventsClients.js';
import {
  EVENTS_SYMBOLS,
  kinesisEvent,
  realClients,
  TRADES_PER_BATCH,
  TRADES_PER_SYMBOL_PER_SECOND,
  tradeBatches,
} from '../lib/eventsWorkload.js';
import { fmt, ratio, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const QUICK = process.env.BENCH_QUICK === '1';
const MAX_REAL = Number(process.env.BENCH_EVENTS_MAX_CLIENTS ?? 1_000);
const TARGETS = [100, 1_000, 10_000];
const BATCHES = QUICK ? 2 : 5;
const SHARDS = 8;
const API_KEY = 'bench-key';

Object.assign(process.env, {
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
});

/** What one topology did for the clients counted. */
interface Counted {
  /** Billed calls: PostToConnection, or AppSync publishes + deliveries. */
  operations: number;
  /** Of those, the part that does not grow with clients (AppSync's publishes). */
  fixed: number;
  delivered: number;
  /** Whether every client received the same number of trades (what makes scaling exact). */
  uniform: boolean;
}

async function countApiGateway(
  clients: number,
  mode: 'all' | 'latest',
  batches: ReturnType<typeof tradeBatches>,
): Promise<Counted> {
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
  const sockets: WebSocket[] = [];
  const trades: number[] = [];
  let pongs = 0;
  for (let i = 0; i < clients; i++) {
    const socket = new WebSocket(`${emulator.url}?symbols=${EVENTS_SYMBOLS.join(',')}`);
    trades[i] = 0;
    socket.on('message', (data) => {
      const parsed = JSON.parse(String(data)) as ServerMessage;
      if (parsed.type === 'trades') trades[i] = (trades[i] ?? 0) + parsed.trades.length;
      else if (parsed.type === 'pong') pongs++;
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    sockets.push(socket);
  }
  emulator.resetStats();
  const processor = createStreamProcessor({ store, transport, shards: SHARDS, mode });
  for (const batch of batches) await processor(kinesisEvent(batch));
  const operations = emulator.stats().posts;
  // Each socket receives in order: once its pong is back, all its trades have arrived.
  for (const socket of sockets) socket.send('{"action":"ping"}');
  const deadline = Date.now() + 120_000;
  while (pongs < sockets.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  if (pongs < sockets.length)
    throw new Error(`${sockets.length - pongs} API Gateway clients never got their pong`);
  for (const socket of sockets) socket.terminate();
  await emulator.close();
  return {
    operations,
    fixed: 0,
    delivered: trades.reduce((a, b) => a + b, 0),
    uniform: new Set(trades).size === 1,
  };
}

async function countEvents(
  clients: number,
  batches: ReturnType<typeof tradeBatches>,
): Promise<Counted> {
  const emulator = await startAppSyncEventsEmulator({ apiKeys: [API_KEY] });
  const pool = await connectEventsClients({
    realtimeUrl: emulator.realtimeEndpoint,
    host: emulator.host,
    apiKey: API_KEY,
    count: clients,
    channels: EVENTS_SYMBOLS.map(tradesChannel),
  });
  emulator.resetStats();
  const publisher = createEventsPublisher({ endpoint: emulator.httpEndpoint, apiKey: API_KEY });
  const processor = createEventsProcessor({ publisher });
  for (const batch of batches) {
    const response = await processor(kinesisEvent(batch));
    if (response.batchItemFailures.length > 0)
      throw new Error('the events processor reported failures');
  }
  await pool.waitForTrades(batches.length * TRADES_PER_BATCH, 120_000);
  const stats = emulator.stats();
  pool.close();
  await emulator.close();
  if (pool.unreadable() > 0)
    throw new Error(`${pool.unreadable()} events were not trades messages`);
  return {
    operations: stats.eventsIn + stats.deliveries,
    fixed: stats.eventsIn,
    delivered: pool.trades.reduce((a, b) => a + b, 0),
    uniform: new Set(pool.trades).size === 1,
  };
}

/** The counted figures for `target` clients: the real ones times the copies (exact when uniform). */
function scaled(counted: Counted, copies: number): { operations: number; delivered: number } {
  if (copies > 1 && !counted.uniform)
    throw new Error('clients received different counts: scaling would not be exact');
  return {
    operations: counted.fixed + (counted.operations - counted.fixed) * copies,
    delivered: counted.delivered * copies,
  };
}

const usd = (value: number) => `$${fmt(value)}`;

runSuite(async () => {
  const batches = tradeBatches(BATCHES);
  const rows: string[][] = [];
  for (const target of TARGETS) {
    const real = realClients(target, MAX_REAL);
    const copies = target / real;
    const all = scaled(await countApiGateway(real, 'all', batches), copies);
    const latest = scaled(await countApiGateway(real, 'latest', batches), copies);
    const events = scaled(await countEvents(real, batches), copies);
    const per1000 = (x: { operations: number; delivered: number }) =>
      (1000 * x.operations) / Math.max(1, x.delivered);
    const model = planFanout({
      connections: target,
      tradesPerSecond: TRADES_PER_BATCH,
      symbols: EVENTS_SYMBOLS.length,
      symbolsPerConnection: EVENTS_SYMBOLS.length,
      flushIntervalMs: 1_000,
    });
    const modelPer1000 =
      (1000 * (model.eventsApi.inboundPerSecond + model.eventsApi.outboundPerSecond)) /
      (target * TRADES_PER_BATCH);
    rows.push([
      fmt(target),
      copies > 1 ? `${fmt(real)} × ${copies}` : fmt(real),
      fmt(events.operations),
      fmt(per1000(events), 1),
      fmt(modelPer1000, 1),
      fmt(all.operations),
      fmt(per1000(all), 1),
      fmt(per1000(latest), 1),
      ratio(per1000(events), per1000(all)),
    ]);
  }

  const costRows = TARGETS.map((connections) => {
    const plan = planFanout({
      connections,
      tradesPerSecond: TRADES_PER_BATCH,
      symbols: EVENTS_SYMBOLS.length,
      symbolsPerConnection: EVENTS_SYMBOLS.length,
      flushIntervalMs: 1_000,
    });
    const overLimit = (topology: 'serverless' | 'containers' | 'events') =>
      plan[topology].withinLimit ? '' : ' (over its limit)';
    return [
      fmt(connections),
      `${usd(plan.serverless.monthlyUsd)}${overLimit('serverless')}`,
      `${usd(plan.containers.monthlyUsd)} (${plan.containers.nodes} nodes)${overLimit('containers')}`,
      `${usd(plan.events.monthlyUsd)}${overLimit('events')}`,
      fmt(plan.eventsApi.outboundPerSecond),
      plan.recommendation,
    ];
  });
  const fits = planFanout({
    connections: 1,
    tradesPerSecond: TRADES_PER_BATCH,
    symbols: EVENTS_SYMBOLS.length,
    symbolsPerConnection: EVENTS_SYMBOLS.length,
    flushIntervalMs: 1_000,
  }).stopsFittingAtConnections;

  return {
    title: 'Events topology: AppSync operations against PostToConnection calls',
    markdown: [
      `Seed 000's load: ${EVENTS_SYMBOLS.length} symbols × ${TRADES_PER_SYMBOL_PER_SECOND} trades/s, ${BATCHES} Kinesis batches of 1 s (${TRADES_PER_BATCH} trades each), every client subscribed to all ${EVENTS_SYMBOLS.length} symbols (the ticker page). **events**: the events processor (\`createEventsProcessor\`) publishes each batch over HTTP to the local AppSync Events emulator, one event per symbol channel; real \`ws\` clients speak the Event API protocol with one subscription per channel; operations = events published + events delivered, from the emulator's \`stats()\` (each event here carries about 5 trades, ~0.6 KB: one 5 KB metering unit; connects and subscribes, also operations, are not counted here but are priced by \`planFanout\`). **API Gateway**: the serverless processor (\`createStreamProcessor\`, \`all\` and \`latest\` mode) through the local API Gateway emulator; calls = PostToConnection from its \`stats()\`. Trades delivered are counted at the clients; events and \`all\` mode deliver every trade to every client.`,
      '',
      `At most ${fmt(MAX_REAL)} real clients per run on this 2-core machine: a larger count is that many clients times the copies shown, and its figures are the counted ones scaled. The scaling is exact, not an estimate: every client has the same subscriptions and the suite checks that every real client received the same number of trades (it fails otherwise), deliveries and PostToConnection calls are made per client, and AppSync's publishes do not depend on the number of clients (they are added once, unscaled).`,
      '',
      table(
        [
          'clients',
          'real clients',
          'AppSync operations',
          'operations / 1,000 trades delivered',
          'planFanout model',
          'PostToConnection (all)',
          'calls / 1,000 trades (all)',
          'calls / 1,000 trades (latest)',
          'events against all',
        ],
        rows,
      ),
      '',
      "Why: AppSync delivers each event to each subscriber as its own message, and the publisher makes one event per symbol per batch, so a client of 20 busy symbols gets 20 messages a second where the serverless processor sends it one message carrying all 20 symbols' trades (`latest` carries only the newest trade of each symbol, so it delivers fewer trades per call).",
      '',
      `Monthly cost at seed 000's load (\`planFanout\`, us-east-1 list prices of \`PRICE_TABLE\`, processor window 1 s, every viewer on all ${EVENTS_SYMBOLS.length} symbols, \`latest\` mode for the serverless and container topologies):`,
      '',
      table(
        [
          'viewers',
          'serverless',
          'containers',
          'events',
          'AppSync outbound operations/s',
          'planFanout says',
        ],
        costRows,
      ),
      '',
      `Where each stops fitting at this load (connections): serverless ${fits.serverless === undefined ? 'never below 10 million' : fmt(fits.serverless)} (the account's 10,000 @connections requests/s), containers ${fits.containers === undefined ? 'never below 10 million' : fmt(fits.containers)} (20 pushed nodes per stream), events ${fits.events === undefined ? 'never below 10 million' : fmt(fits.events)} (AppSync's 1,000,000 outbound operations/s).`,
    ].join('\n'),
  };
});
