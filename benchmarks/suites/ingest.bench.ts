/**
 * Ingest Lambda: CPU per trade and per request of the deployed `POST /ingest` handler
 * (`createIngestHandler` of `@market-stream/sinks/lambda`) for batches of 1, 100 and 500 trades.
 *
 * The real handler writes with its real `toKinesis` (aggregated) and an SDK v3 client into
 * kinesalite, which runs in a child process so that `process.cpuUsage()` of this process is the
 * handler's share alone (validation, JSON, aggregation, the SDK's request and its answer),
 * whatever the await points in between. Requests go one at a time, as a Lambda instance takes
 * them. The same bodies through `answerIngest` alone (validation, no write) show what the sink
 * costs. 10 symbols; trades stamped with the wall clock (the endpoint refuses a minute off).
 *
 * `BENCH_QUICK=1` runs a tenth of everything, once.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trade } from '@market-stream/core';
import { answerIngest, createIngestHandler } from '@market-stream/sinks/lambda';
import { startKinesaliteProcess } from '../lib/ingestKinesalite.js';
import { fmt, median, repeat, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const scale = (full: number) => (quick ? Math.max(1, Math.round(full / 10)) : full);
const RUNS = quick ? 1 : 3;
const BATCHES = [1, 100, 500] as const;
const SYMBOLS = Array.from({ length: 10 }, (_, i) => `SYM${i}`);
/** Trades per run (batch 1: requests per run), enough for ~1 s of CPU per run. */
const TRADES_PER_RUN: Record<number, number> = {
  1: scale(2_000),
  100: scale(20_000),
  500: scale(20_000),
};

// The SDK is a dev dependency of the sinks package.
const requireFromSinks = createRequire(join(here, '../../packages/sinks/package.json'));
type Command = new (input: object) => object;
const kinesisSdk = requireFromSinks('@aws-sdk/client-kinesis') as Record<string, Command> & {
  KinesisClient: new (
    config: object,
  ) => {
    send(command: object): Promise<Record<string, unknown>>;
    destroy(): void;
  };
};
const { NodeHttpHandler } = requireFromSinks('@smithy/node-http-handler') as {
  NodeHttpHandler: new (options?: object) => object;
};

type Handler = ReturnType<typeof createIngestHandler>;

/** `requests` JSON bodies of `batch` trades, stamped now, `seq` rising per symbol. */
function bodies(batch: number, requests: number): string[] {
  const seq = new Map<string, number>();
  const now = Date.now();
  return Array.from({ length: requests }, (_, r) => {
    const trades: Trade[] = [];
    for (let i = 0; i < batch; i++) {
      const symbol = SYMBOLS[(r * batch + i) % SYMBOLS.length]!;
      const next = (seq.get(symbol) ?? 0) + 1;
      seq.set(symbol, next);
      const price = Math.round((100 + (i % 13) * 0.05) * 100) / 100;
      trades.push({
        symbol,
        price,
        size: 100 + (i % 9),
        bid: Math.round((price - 0.01) * 100) / 100,
        ask: Math.round((price + 0.01) * 100) / 100,
        timestamp: now,
        seq: next,
      });
    }
    return JSON.stringify(batch === 1 ? trades[0] : trades);
  });
}

function event(body: string) {
  return {
    requestContext: { http: { method: 'POST' } },
    headers: { 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
  };
}

/** CPU µs (user + system) of this process while `call` handles every body in turn. */
async function cpuMicros(list: readonly string[], call: (body: string) => Promise<void> | void) {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.cpuUsage();
  for (const body of list) await call(body);
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function handlerRun(handler: Handler, batch: number): Promise<number> {
  const list = bodies(batch, TRADES_PER_RUN[batch]! / batch);
  return cpuMicros(list, async (body) => {
    const result = await handler(event(body));
    if (result.statusCode !== 202)
      throw new Error(`ingest answered ${result.statusCode}: ${result.body}`);
  });
}

async function validationRun(batch: number): Promise<number> {
  const list = bodies(batch, TRADES_PER_RUN[batch]! / batch);
  return cpuMicros(list, (body) => {
    const request = { method: 'POST', contentType: 'application/json', body };
    if (!answerIngest(request, {}, Date.now()).ok) throw new Error('validation refused a trade');
  });
}

/** `median (min–max)` of per-unit values. */
function spread(values: readonly number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const range =
    sorted.length > 1 ? ` (${fmt(sorted[0]!, digits)}–${fmt(sorted.at(-1)!, digits)})` : '';
  return `${fmt(median(values), digits)}${range}`;
}

await runSuite(async () => {
  const kinesalite = await startKinesaliteProcess();
  const client = new kinesisSdk.KinesisClient({
    endpoint: kinesalite.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ requestTimeout: 30_000 }),
  });
  await client.send(new kinesisSdk.CreateStreamCommand!({ StreamName: 'ingest', ShardCount: 4 }));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const handler = createIngestHandler({ client: client as never, streamName: 'ingest' });
  const rows: string[][] = [];
  try {
    for (const batch of BATCHES) {
      const requests = TRADES_PER_RUN[batch]! / batch;
      const full = await repeat(RUNS, () => handlerRun(handler, batch));
      const valid = await repeat(RUNS, () => validationRun(batch));
      const perRequest = (list: number[]) => list.map((us) => us / requests);
      const perTrade = (list: number[]) => list.map((us) => us / (requests * batch));
      const share = 1 - median(valid) / median(full);
      rows.push([
        fmt(batch),
        fmt(requests),
        spread(perRequest(full), 0),
        spread(perTrade(full), 1),
        spread(perRequest(valid), 0),
        spread(perTrade(valid), 1),
        `${(share * 100).toFixed(0)} %`,
      ]);
    }
  } finally {
    client.destroy();
    await kinesalite.close();
  }
  return {
    title: 'Ingest Lambda: CPU per request and per trade',
    markdown: `The deployed \`POST /ingest\` handler (\`createIngestHandler\`): \`answerIngest\` validates,
\`toKinesis\` (aggregated) writes with a real SDK v3 client into kinesalite, which runs in a child
process so this process's CPU (user + system, \`process.cpuUsage()\` around all of a run's
requests, one at a time as a Lambda instance takes them) is the handler's alone. "Validation
only" is \`answerIngest\` on the same bodies without writing; the rest is what the sink (JSON,
aggregation, the SDK request and its answer) costs. 10 symbols; median of ${RUNS} run(s) after one
warm-up, (min–max) over the runs.

${table(
  [
    'trades per request',
    'requests per run',
    'handler µs / request',
    'handler µs / trade',
    'validation only µs / request',
    'validation only µs / trade',
    'sink share of handler CPU',
  ],
  rows,
)}

Lambda bills duration, not CPU: at 1,769 MB a function has one vCPU, so these µs are a floor
on billed time per request; a smaller function gets a share of a vCPU and takes longer.`,
  };
});
