/**
 * KPL aggregation codec: `KplAggregator` / `deaggregate` from `@market-stream/sinks` against
 * awslabs' `aws-kinesis-agg` (protobufjs), side by side on the same trades — 50 symbols, one
 * trade's JSON (~120 bytes) per user record, packed into 1 MiB aggregates. Deaggregation starts
 * from base64, as Lambda delivers records, and both sides verify the MD5 trailer.
 * `BENCH_QUICK=1` runs a tenth of the records, twice.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deaggregate, KplAggregator } from '@market-stream/sinks';
import { fmt, median, ratio, repeat, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const RECORDS = quick ? 20_000 : 200_000;
const RUNS = quick ? 2 : 5;

interface AwsKinesisAgg {
  RecordAggregator: new () => {
    checkIfUserRecordFits(record: { partitionKey: string; data: Buffer }): boolean;
    addUserRecord(record: { partitionKey: string; data: Buffer }): void;
    build(): { partitionKey: string; data: Buffer } | undefined;
  };
  deaggregateSync(
    record: { partitionKey: string; data: string; sequenceNumber: string },
    computeChecksums: boolean,
    callback: (error: Error | null | undefined, records?: { data: string }[]) => void,
  ): void;
}

// aws-kinesis-agg is a dev dependency of the sinks package (its compatibility tests use it).
const agg = createRequire(join(here, '../../packages/sinks/package.json'))(
  'aws-kinesis-agg',
) as AwsKinesisAgg;

const symbols = Array.from({ length: 50 }, (_, i) => `SYM${i}`);
const userRecords = Array.from({ length: RECORDS }, (_, i) => {
  const symbol = symbols[i % symbols.length]!;
  const trade = {
    symbol,
    price: 100 + (i % 700) / 100,
    size: 100 + (i % 9),
    bid: 99.99,
    ask: 107.01,
    timestamp: 1_700_000_000_000 + i,
    seq: Math.floor(i / symbols.length) + 1,
  };
  return { partitionKey: symbol, data: Buffer.from(JSON.stringify(trade)) };
});

function aggregateOurs(): { partitionKey: string; data: Uint8Array }[] {
  const out: { partitionKey: string; data: Uint8Array }[] = [];
  const aggregator = new KplAggregator();
  for (const record of userRecords) {
    if (!aggregator.tryAdd(record)) {
      out.push(aggregator.build());
      aggregator.reset();
      aggregator.tryAdd(record);
    }
  }
  if (aggregator.count > 0) out.push(aggregator.build());
  return out;
}

function aggregateTheirs(): { partitionKey: string; data: Buffer }[] {
  const out: { partitionKey: string; data: Buffer }[] = [];
  let aggregator = new agg.RecordAggregator();
  for (const record of userRecords) {
    if (!aggregator.checkIfUserRecordFits(record)) {
      out.push(aggregator.build()!);
      aggregator = new agg.RecordAggregator();
    }
    aggregator.addUserRecord(record);
  }
  const last = aggregator.build();
  if (last) out.push(last);
  return out;
}

function timed(work: () => number): { seconds: number; count: number } {
  const started = process.hrtime.bigint();
  const count = work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, count };
}

await runSuite(async () => {
  const encoded = aggregateOurs().map((record, i) => ({
    partitionKey: record.partitionKey,
    data: Buffer.from(record.data).toString('base64'),
    sequenceNumber: String(49_000_000 + i),
  }));

  const rate = (runs: { seconds: number; count: number }[]) =>
    median(runs.map((run) => run.count / run.seconds));

  const encodeOurs = rate(await repeat(RUNS, () => timed(() => aggregateOurs().length && RECORDS)));
  const encodeTheirs = rate(
    await repeat(RUNS, () => timed(() => aggregateTheirs().length && RECORDS)),
  );
  const decodeOurs = rate(
    await repeat(RUNS, () =>
      timed(() => {
        let count = 0;
        for (const record of encoded) {
          count += deaggregate({ ...record, data: Buffer.from(record.data, 'base64') }).length;
        }
        return count;
      }),
    ),
  );
  const decodeTheirs = rate(
    await repeat(RUNS, () =>
      timed(() => {
        let count = 0;
        for (const record of encoded) {
          agg.deaggregateSync(record, true, (error, users) => {
            if (error) throw error;
            count += users?.length ?? 0;
          });
        }
        return count;
      }),
    ),
  );

  const row = (name: string, ours: number, theirs: number) => [
    name,
    fmt(ours),
    fmt(theirs),
    ratio(ours, theirs),
    fmt(1e6 / ours, 2),
    fmt(1e6 / theirs, 2),
  ];
  return {
    title: 'KPL aggregation: @market-stream/sinks vs aws-kinesis-agg',
    markdown: `${fmt(RECORDS)} trades (JSON, ~${userRecords[0]!.data.length} bytes each, 50 partition keys) packed into ${fmt(encoded.length)} aggregated records of up to 1 MiB; median of ${RUNS} runs after a warm-up, user records per second on one core. Deaggregation starts from base64 and verifies the MD5 trailer on both sides.

${table(
  [
    'operation',
    'ours (records/s)',
    'aws-kinesis-agg (records/s)',
    'ours ÷ theirs',
    'ours µs/record',
    'theirs µs/record',
  ],
  [row('aggregate', encodeOurs, encodeTheirs), row('deaggregate', decodeOurs, decodeTheirs)],
)}
`,
  };
});
