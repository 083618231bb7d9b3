/**
 * Sinks under partial failure (issue #16): a ticker's 10 or 20 hot keys, 30 % of records
 * rejected (half ProvisionedThroughputExceeded, half InternalFailure / UnprocessedItems) and
 * 5 % of write requests failing (throttles, 5xx, connections dropped before the emulator), all
 * injected by the sinks tests' fault proxy in front of kinesalite / dynalite, with real SDK v3
 * clients (no SDK retries) and `maxAttempts: 20`. Each row is one seeded run, next to the same
 * sink without faults: trades stored (read back: exactly once, in order per key for Kinesis),
 * write requests, trades and entries (Kinesis records / items) per request, and wall time.
 *
 * Targets: ≥ 5 trades per request, ≤ 20 s for 20,000 trades, within 2× of fault-free.
 * `BENCH_QUICK=1` (or `SINKS_FAULTS_TRADES`) runs 2,000 trades.
 */
import { type FaultRunResult, faultRun } from '../../packages/sinks/tests/helpers/faultRun.js';
import { fmt, table } from '../lib/stats.js';
import { runSuite } from '../lib/suite.js';

const trades = Number(
  process.env.SINKS_FAULTS_TRADES ?? (process.env.BENCH_QUICK === '1' ? 2_000 : 20_000),
);

const SINKS = [
  { label: 'toKinesis', sink: 'kinesis' as const, sinkOptions: {} },
  { label: 'toKinesis({ aggregate: true })', sink: 'kinesis-aggregated' as const, sinkOptions: {} },
  { label: 'toDynamo', sink: 'dynamo' as const, sinkOptions: {} },
  {
    label: "toDynamo({ ordering: 'none' })",
    sink: 'dynamo' as const,
    sinkOptions: { ordering: 'none' },
  },
];

function row(label: string, keys: number, faulty: FaultRunResult, clean: FaultRunResult) {
  const exact =
    faulty.missing.length === 0 && faulty.duplicates.length === 0 && faulty.outOfOrder.length === 0;
  return [
    label,
    String(keys),
    `${trades - faulty.missing.length}${exact ? ' ✓' : ` ✗ (${faulty.missing.length} missing, ${faulty.duplicates.length} twice, ${faulty.outOfOrder.length} keys out of order)`}`,
    String(faulty.requests),
    fmt(faulty.tradesPerRequest, 2),
    fmt(faulty.entriesPerRequest, 2),
    fmt(faulty.ms / 1000, 2),
    fmt(clean.ms / 1000, 2),
    fmt(faulty.ms / clean.ms, 1),
    fmt(clean.tradesPerRequest, 2),
  ];
}

runSuite(async () => {
  const rows: string[][] = [];
  for (const keys of [10, 20]) {
    for (const { label, sink, sinkOptions } of SINKS) {
      const base = { sink, keys, trades, sinkOptions };
      const clean = await faultRun({ ...base, recordRejectRate: 0, requestFailRate: 0 });
      const faulty = await faultRun({ ...base, recordRejectRate: 0.3, requestFailRate: 0.05 });
      rows.push(row(label, keys, faulty, clean));
      console.error(rows.at(-1)!.join(' | '));
    }
  }
  return {
    title: 'Sinks under partial failure',
    markdown: [
      `${trades.toLocaleString('en-US')} trades over 10 or 20 hot keys, 30 % of records rejected and 5 % of write requests failing (fault proxy, seeded), kinesalite / dynalite, \`maxAttempts: 20\`, other options default. One run per row.`,
      '',
      table(
        [
          'sink',
          'keys',
          'stored (✓ once, in order)',
          'write requests',
          'trades / request',
          'entries / request',
          's with faults',
          's fault-free',
          '× fault-free',
          'trades / request fault-free',
        ],
        rows,
      ),
    ].join('\n'),
  };
});
