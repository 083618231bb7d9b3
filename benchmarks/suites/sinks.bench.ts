/**
 * Sinks: what `toKinesis`, `toSqs` and `toDynamo` cost per trade, what they buy against the
 * naive one-call-per-trade approach on kinesalite and dynalite, and what KPL aggregation does
 * to the Kinesis bill.
 *
 * 1. Per-trade overhead: each sink with a client whose `send` answers at once, so only the
 *    sink's own work is timed (encoding, batching, bookkeeping, reports). 500 symbols, trades
 *    pushed 5,000 per event-loop turn, like a fast live feed.
 * 2. Emulators: the same sinks into kinesalite / dynalite with real SDK v3 clients, against one
 *    PutRecord / PutItem per trade (4 in flight). The emulators spend ~0.4 ms (kinesalite) and
 *    ~1 ms (dynalite) of CPU per stored record, so samples are smaller than 100,000 and the
 *    calls per 100,000 trades are extrapolated from each sample (exact for the naive approach:
 *    one call per trade).
 * 3. Kinesis PUT payload units (25 KB chunks of each record) and on-demand billed bytes (each
 *    record rounded up to 1 KB) per million trades, with and without aggregation, priced with
 *    {@link KINESIS_PRICES}.
 *
 * `BENCH_QUICK=1` runs a tenth of everything, once.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trade } from '@market-stream/core';
import { type DeliveryReport, deaggregate, toDynamo, toKinesis, toSqs } from '@market-stream/sinks';
import { Observable, type OperatorFunction, Subject } from 'rxjs';
import { createPkSkTable } from '../../tests/helpers/dynamoTables.js';
import { fmt, median, ratio, repeat, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

/**
 * Kinesis Data Streams list prices, us-east-1, the one place this suite's dollars come from.
 * Provisioned: $0.014 per million PUT payload units (a unit is each 25 KB chunk of a record)
 * — aws.amazon.com/kinesis/data-streams/pricing, "Provisioned mode". On-demand: $0.08 per GB
 * of data in, each record rounded up to 1 KB — same page, "On-demand mode" (the rounding rule
 * is quoted from the page; re-check the per-GB rate there before quoting these dollars).
 * Shard-hours and stream-hours are left out: they do not depend on how records are packed.
 */
const KINESIS_PRICES = {
  region: 'us-east-1',
  provisionedPerMillionPutPayloadUnits: 0.014,
  putPayloadUnitBytes: 25 * 1024,
  onDemandPerGbIngested: 0.08,
  onDemandRoundingBytes: 1024,
} as const;

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const scale = (full: number) => (quick ? Math.max(1, Math.round(full / 10)) : full);
const RUNS = quick ? 1 : 3;
const SYMBOLS = Array.from({ length: 500 }, (_, i) => `S${String(i).padStart(4, '0')}`);

// The SDK and the emulators are dev dependencies of the sinks package.
const requireFromSinks = createRequire(join(here, '../../packages/sinks/package.json'));
// Typed by hand: the benchmarks package does not depend on the SDK itself.
type Command = new (input: object) => object;
interface Client {
  send(command: object): Promise<Record<string, unknown>>;
  destroy(): void;
}
const kinesisSdk = requireFromSinks('@aws-sdk/client-kinesis') as Record<string, Command> & {
  KinesisClient: new (config: object) => Client;
};
const dynamoSdk = requireFromSinks('@aws-sdk/client-dynamodb') as Record<string, Command> & {
  DynamoDBClient: new (config: object) => Client;
};
const documentSdk = requireFromSinks('@aws-sdk/lib-dynamodb') as Record<string, Command> & {
  DynamoDBDocumentClient: { from(client: Client): Client };
};
const { NodeHttpHandler } = requireFromSinks('@smithy/node-http-handler') as {
  NodeHttpHandler: new () => object;
};
const kinesalite = requireFromSinks('kinesalite') as (options: object) => Listening;
const dynalite = requireFromSinks('dynalite') as (options: object) => Listening;

interface Listening {
  listen(port: number, host: string, callback: () => void): void;
  close(callback: () => void): void;
  address(): { port: number };
}

function trades(count: number, symbols: readonly string[] = SYMBOLS): Trade[] {
  const out: Trade[] = [];
  for (let i = 0; i < count; i++) {
    const price = Math.round((100 + (i % 13) * 0.05) * 100) / 100;
    out.push({
      symbol: symbols[i % symbols.length]!,
      price,
      size: 100 + (i % 9),
      bid: Math.round((price - 0.01) * 100) / 100,
      ask: Math.round((price + 0.01) * 100) / 100,
      timestamp: 1_700_000_000_000 + i,
      seq: Math.floor(i / symbols.length) + 1,
    });
  }
  return out;
}

/** Pushes `input` through `operator` 5,000 per event-loop turn; resolves when it completes. */
async function feed(
  input: readonly Trade[],
  operator: OperatorFunction<Trade, DeliveryReport>,
): Promise<{ ms: number; cpuMs: number; reports: DeliveryReport[] }> {
  const source = new Subject<Trade>();
  const reports: DeliveryReport[] = [];
  const done = new Promise<void>((resolve, reject) => {
    source.pipe(operator).subscribe({
      next: (report) => reports.push(report),
      error: reject,
      complete: resolve,
    });
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let at = 0; at < input.length; ) {
    const end = Math.min(at + 5_000, input.length);
    for (; at < end; at++) source.next(input[at]!);
    await new Promise((resolve) => setImmediate(resolve));
  }
  source.complete();
  await done;
  return { ms: performance.now() - started, cpuMs: process.cpuUsage(cpu).user / 1_000, reports };
}

/** Runs `count` calls with `inFlight` at a time. */
async function pool(count: number, inFlight: number, call: (index: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await call(next++);
    }),
  );
}

async function listen(server: Listening) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Counts the calls a client makes. */
function counted<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C) {
  const counter = { calls: 0 };
  const send = client.send.bind(client) as (...args: never[]) => Promise<unknown>;
  (client as { send: unknown }).send = (...args: never[]) => {
    counter.calls++;
    return send(...args);
  };
  return counter;
}

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const immediate = <T>(output: T) => ({ send: () => Promise.resolve(output) }) as never;

async function overhead(): Promise<string> {
  const input = trades(scale(200_000));
  const sinks: [string, () => OperatorFunction<Trade, DeliveryReport>][] = [
    [
      'toKinesis',
      () => toKinesis({ client: immediate({ FailedRecordCount: 0 }), streamName: 'bench' }),
    ],
    [
      "toKinesis, ordering: 'none'",
      () =>
        toKinesis({
          client: immediate({ FailedRecordCount: 0 }),
          streamName: 'bench',
          ordering: 'none',
        }),
    ],
    [
      'toKinesis, aggregate: true',
      () =>
        toKinesis({
          client: immediate({ FailedRecordCount: 0 }),
          streamName: 'bench',
          aggregate: true,
        }),
    ],
    [
      'toSqs (FIFO)',
      () =>
        toSqs({
          client: immediate({ Successful: [], Failed: [] }),
          queueUrl: 'https://q/1/t.fifo',
        }),
    ],
    ['toDynamo', () => toDynamo({ client: immediate({ UnprocessedItems: {} }), tableName: 'b' })],
  ];
  const rows: string[][] = [];
  const baseline = await repeat(RUNS, () =>
    feed(input, (source) => {
      let kept = 0;
      return new Observable<DeliveryReport>((subscriber) =>
        source.subscribe({
          next: (trade) => {
            kept += Buffer.from(JSON.stringify(trade)).length;
          },
          complete: () => {
            if (kept < 0) subscriber.next(undefined as never);
            subscriber.complete();
          },
        }),
      );
    }),
  );
  const baseMs = median(baseline.map((run) => run.ms));
  rows.push([
    'baseline: encode only',
    fmt((baseMs * 1_000) / input.length, 2),
    fmt((median(baseline.map((run) => run.cpuMs)) * 1_000) / input.length, 2),
    fmt(input.length / (baseMs / 1_000)),
    '',
    '',
  ]);
  for (const [name, make] of sinks) {
    const runs = await repeat(RUNS, () => feed(input, make()));
    const ms = median(runs.map((run) => run.ms));
    const cpuMs = median(runs.map((run) => run.cpuMs));
    const calls = runs[0]!.reports.length;
    const usPerTrade = (ms * 1_000) / input.length;
    rows.push([
      name,
      fmt(usPerTrade, 2),
      fmt((cpuMs * 1_000) / input.length, 2),
      fmt(input.length / (ms / 1_000)),
      usPerTrade <= 2 ? 'yes' : 'no',
      fmt((calls * 100_000) / input.length),
    ]);
  }
  return `### Per-trade overhead, client answering at once

${fmt(input.length)} trades over ${SYMBOLS.length} symbols, median of ${RUNS} run(s), one core.
Target: ≤ 2 µs per trade, ≥ 500,000 trades/s. "CPU µs" is the process's user CPU time per
trade (garbage collector threads included), steadier than wall time on a shared machine.
The baseline row is \`JSON.stringify\` + \`Buffer.from\` alone: the encoding every sink does.

${table(['sink', 'µs / trade', 'CPU µs / trade', 'trades / s', '≤ 2 µs', 'requests / 100k trades'], rows)}
`;
}

async function emulators(): Promise<string> {
  const rows: string[][] = [];
  const kServer = await listen(kinesalite({ createStreamMs: 5, shardLimit: 100 }));
  const kinesis = new kinesisSdk.KinesisClient({
    endpoint: kServer.endpoint,
    region: 'us-east-1',
    credentials,
    requestHandler: new NodeHttpHandler(),
  });
  const createStream = async (name: string) => {
    await kinesis.send(new kinesisSdk.CreateStreamCommand!({ StreamName: name, ShardCount: 4 }));
    for (let i = 0; i < 100; i++) {
      const { StreamDescriptionSummary } = (await kinesis.send(
        new kinesisSdk.DescribeStreamSummaryCommand!({ StreamName: name }),
      )) as { StreamDescriptionSummary?: { StreamStatus?: string } };
      if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const counter = counted(kinesis);
  try {
    const addRow = (name: string, sample: number, ms: number, calls: number, note = '') =>
      rows.push([
        name,
        fmt(sample),
        fmt(sample / (ms / 1_000)),
        fmt((calls * 100_000) / sample),
        note,
      ]);

    const plain = trades(scale(10_000));
    await createStream('plain');
    counter.calls = 0;
    let run = await feed(plain, toKinesis({ client: kinesis as never, streamName: 'plain' }));
    addRow('kinesalite: toKinesis', plain.length, run.ms, counter.calls);
    const kinesisPlainRate = plain.length / (run.ms / 1_000);

    const many = trades(scale(100_000));
    await createStream('aggregated');
    counter.calls = 0;
    run = await feed(
      many,
      toKinesis({ client: kinesis as never, streamName: 'aggregated', aggregate: true }),
    );
    addRow('kinesalite: toKinesis, aggregate', many.length, run.ms, counter.calls);

    const naive = trades(scale(1_000));
    await createStream('naive');
    counter.calls = 0;
    const started = performance.now();
    await pool(naive.length, 4, (i) =>
      kinesis.send(
        new kinesisSdk.PutRecordCommand!({
          StreamName: 'naive',
          PartitionKey: naive[i]!.symbol,
          Data: Buffer.from(JSON.stringify(naive[i])),
        }),
      ),
    );
    const ms = performance.now() - started;
    addRow(
      'kinesalite: PutRecord per trade (naive)',
      naive.length,
      ms,
      counter.calls,
      'extrapolated',
    );
    const kinesisNaiveRate = naive.length / (ms / 1_000);
    rows.push(['', '', `toKinesis ${ratio(kinesisPlainRate, kinesisNaiveRate)} naive`, '', '']);
  } finally {
    kinesis.destroy();
    await kServer.close();
  }

  const dServer = await listen(dynalite({ createTableMs: 5 }));
  const dynamo = documentSdk.DynamoDBDocumentClient.from(
    new dynamoSdk.DynamoDBClient({
      endpoint: dServer.endpoint,
      region: 'us-east-1',
      credentials,
      requestHandler: new NodeHttpHandler(),
    }),
  );
  const dCounter = counted(dynamo);
  try {
    const sample = trades(scale(5_000));
    await createPkSkTable(dynamo as never, 'history');
    dCounter.calls = 0;
    const run = await feed(sample, toDynamo({ client: dynamo as never, tableName: 'history' }));
    rows.push([
      'dynalite: toDynamo',
      fmt(sample.length),
      fmt(sample.length / (run.ms / 1_000)),
      fmt((dCounter.calls * 100_000) / sample.length),
      '',
    ]);
    const oursRate = sample.length / (run.ms / 1_000);

    const naive = trades(scale(500));
    await createPkSkTable(dynamo as never, 'naive');
    dCounter.calls = 0;
    const started = performance.now();
    await pool(naive.length, 4, (i) => {
      const trade = naive[i]!;
      return dynamo.send(
        new documentSdk.PutCommand!({
          TableName: 'naive',
          Item: { pk: trade.symbol, sk: `${trade.timestamp}#${trade.seq}`, ...trade },
        }),
      );
    });
    const ms = performance.now() - started;
    rows.push([
      'dynalite: PutItem per trade (naive)',
      fmt(naive.length),
      fmt(naive.length / (ms / 1_000)),
      fmt((dCounter.calls * 100_000) / naive.length),
      'extrapolated',
    ]);
    rows.push(['', '', `toDynamo ${ratio(oursRate, naive.length / (ms / 1_000))} naive`, '', '']);
  } finally {
    dynamo.destroy();
    await dServer.close();
  }
  return `### Into kinesalite and dynalite

Real SDK v3 clients on loopback, 500 symbols, 4 requests in flight on every side, one run
each. The emulators' own CPU per stored record dominates (see the suite's header), so the
samples are smaller than 100,000 and "API calls / 100k trades" scales each sample's count
linearly (exact for the naive approach: one call per trade). Throughput here is the
emulators', not AWS's; the call counts are what carry over.

${table(['approach', 'sample (trades)', 'trades / s', 'API calls / 100k trades', ''], rows)}
`;
}

/** PUT payload units and on-demand bytes of the records a sink produced. */
function billing(records: Uint8Array[], keys: string[]) {
  let units = 0;
  let onDemandBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const bytes = records[i]!.length + Buffer.byteLength(keys[i]!);
    units += Math.ceil(bytes / KINESIS_PRICES.putPayloadUnitBytes);
    onDemandBytes +=
      Math.ceil(bytes / KINESIS_PRICES.onDemandRoundingBytes) *
      KINESIS_PRICES.onDemandRoundingBytes;
  }
  return { units, onDemandBytes };
}

async function payloadUnits(): Promise<string> {
  const count = scale(1_000_000);
  const rows: string[][] = [];
  for (const symbols of [500, 50]) {
    const names = SYMBOLS.slice(0, symbols);
    const input = trades(count, names);
    for (const aggregate of [false, true]) {
      const records: Uint8Array[] = [];
      const keys: string[] = [];
      const client = {
        send: (command: {
          input: { Records?: { Data?: Uint8Array; PartitionKey?: string }[] };
        }) => {
          for (const record of command.input.Records ?? []) {
            records.push(record.Data!);
            keys.push(record.PartitionKey!);
          }
          return Promise.resolve({ FailedRecordCount: 0 });
        },
      } as never;
      await feed(input, toKinesis({ client, streamName: 'bench', aggregate }));
      if (aggregate) {
        // Sanity: every trade is in there, once.
        let users = 0;
        for (let i = 0; i < records.length; i++) {
          users += deaggregate({ partitionKey: keys[i]!, data: records[i]! }).length;
        }
        if (users !== count) throw new Error(`aggregates hold ${users} trades, not ${count}`);
      }
      const { units, onDemandBytes } = billing(records, keys);
      const perMillion = 1_000_000 / count;
      const provisioned =
        ((units * perMillion) / 1_000_000) * KINESIS_PRICES.provisionedPerMillionPutPayloadUnits;
      const gb = (onDemandBytes * perMillion) / 2 ** 30;
      rows.push([
        `${symbols} symbols, ${aggregate ? 'aggregate: true' : 'one record per trade'}`,
        fmt(count / records.length, 1),
        fmt(units * perMillion),
        `$${provisioned.toFixed(4)}`,
        fmt(gb, 3),
        `$${(gb * KINESIS_PRICES.onDemandPerGbIngested).toFixed(4)}`,
      ]);
    }
  }
  return `### Kinesis PUT payload units and $ per million trades

Records as \`toKinesis\` produced them (trade JSON, ~130 bytes; partition key = symbol) for
${fmt(count)} trades fed 5,000 per event-loop turn to a client that answers at once, scaled
to one million. How many trades share an aggregate depends on how many of a symbol's trades
queue while a request is out: here 10 per symbol per turn with 500 symbols, 100 with 50.
Prices: ${KINESIS_PRICES.region} list prices in the suite's \`KINESIS_PRICES\` constant
($${KINESIS_PRICES.provisionedPerMillionPutPayloadUnits} per million PUT payload units of 25 KB;
on-demand $${KINESIS_PRICES.onDemandPerGbIngested}/GB with each record rounded up to 1 KB).
Shard- and stream-hours are not included.

${table(
  [
    'records',
    'trades / record',
    'PUT payload units / M trades',
    'provisioned $ / M trades',
    'on-demand GB billed / M trades',
    'on-demand $ / M trades',
  ],
  rows,
)}
`;
}

await runSuite(async () => ({
  title: 'Sinks: per-trade overhead, API calls against the naive approach, Kinesis cost',
  markdown: [await overhead(), await emulators(), await payloadUnits()].join('\n'),
}));
