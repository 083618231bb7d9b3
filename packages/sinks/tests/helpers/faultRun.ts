import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Trade } from '@market-stream/core';
import { tradeSequence } from '../../../../tests/helpers/factories.js';
import { toDynamo, toKinesis } from '../../src/index.js';
import type { DeliveryReport } from '../../src/types.js';
import {
  createStream,
  createTable,
  dynamoClient,
  type Emulator,
  kinesisClient,
  readStreamTrades,
  startDynalite,
  startKinesalite,
} from './emulators.js';
import { type FaultPlan, type FaultStats, seededRandom, startFaultProxy } from './faultProxy.js';
import { exactlyOnce, outOfOrderSymbols, paced } from './tradeChecks.js';

/** One sink run through the fault proxy. */
export interface FaultRunSpec {
  sink: 'kinesis' | 'kinesis-aggregated' | 'dynamo';
  /** Hot keys (symbols). */
  keys: number;
  trades: number;
  /** Share of records rejected; 0 with `requestFailRate` 0 is the fault-free run. */
  recordRejectRate: number;
  /** Share of write requests that fail: split between throttles, 5xx and drops before the emulator. */
  requestFailRate: number;
  seed?: number;
  /** Added to every write request's round trip, ms (see `FaultPlan.latencyMs`). */
  latencyMs?: number;
  /** Extra sink options (backoff, linger…). */
  sinkOptions?: Record<string, unknown>;
}

/** What came of a {@link FaultRunSpec}. */
export interface FaultRunResult {
  spec: FaultRunSpec;
  /** Wall time from the first trade to the sink's completion, ms. */
  ms: number;
  /** Write requests that reached the proxy (PutRecords / BatchWriteItem), faulted ones included. */
  requests: number;
  /** Trades delivered per write request. */
  tradesPerRequest: number;
  /** Kinesis records (aggregates count once) or items per write request. */
  entriesPerRequest: number;
  stats: FaultStats;
  duplicates: string[];
  missing: string[];
  outOfOrder: string[];
  failed: number;
}

/**
 * Runs 20,000-trade-style fault scenarios end to end: a fresh kinesalite or dynalite, the fault
 * proxy in front (seeded), the sink with a real SDK v3 client (no SDK retries), then reads back
 * what was stored and checks exactly-once and per-key order (Kinesis: shard order; DynamoDB
 * items carry no write order, so only exactly-once is checked there).
 */
export async function faultRun(spec: FaultRunSpec): Promise<FaultRunResult> {
  const dynamo = spec.sink === 'dynamo';
  const emulator: Emulator = dynamo ? await startDynalite() : await startKinesalite();
  const random = seededRandom(spec.seed ?? 16);
  const plan: FaultPlan = {
    recordRejectRate: spec.recordRejectRate,
    throttleRate: spec.requestFailRate * 0.4,
    serverErrorRate: spec.requestFailRate * 0.4,
    dropRate: spec.requestFailRate * 0.2,
    latencyMs: spec.latencyMs,
    random,
  };
  const proxy = await startFaultProxy(emulator.endpoint, plan);
  try {
    const symbols = Array.from({ length: spec.keys }, (_, i) => `K${String(i).padStart(2, '0')}`);
    const trades = tradeSequence(symbols, Math.ceil(spec.trades / spec.keys)).slice(0, spec.trades);
    const options = {
      maxAttempts: 20,
      random: seededRandom((spec.seed ?? 16) + 1),
      onFailure: () => {},
      ...spec.sinkOptions,
    };
    let failed = 0;
    let entries = 0;
    const count = (report: DeliveryReport) => {
      failed = report.totals.failed;
      entries += report.entries - report.failed + report.retrying;
    };
    const admin = dynamo ? dynamoClient(emulator.endpoint) : kinesisClient(emulator.endpoint);
    const name = `faults-${spec.keys}`;
    if (dynamo) await createTable(admin as ReturnType<typeof dynamoClient>, name);
    else await createStream(admin as ReturnType<typeof kinesisClient>, name, 2);
    const started = performance.now();
    const sink = dynamo
      ? toDynamo({ client: dynamoClient(proxy.endpoint), tableName: name, ...options })
      : toKinesis({
          client: kinesisClient(proxy.endpoint),
          streamName: name,
          aggregate: spec.sink === 'kinesis-aggregated',
          ...options,
        });
    await new Promise<void>((resolve) => {
      paced(trades)
        .pipe(sink)
        .subscribe({ next: count, error: () => resolve(), complete: () => resolve() });
    });
    const ms = performance.now() - started;
    const arrived = dynamo
      ? await scanTrades(admin as ReturnType<typeof dynamoClient>, name)
      : await readStreamTrades(admin as ReturnType<typeof kinesisClient>, name);
    const { duplicates, missing } = exactlyOnce(trades, arrived);
    const requests = proxy.stats.writeRequests;
    return {
      spec,
      ms,
      requests,
      tradesPerRequest: (trades.length - missing.length) / Math.max(1, requests),
      entriesPerRequest: entries / Math.max(1, requests),
      stats: { ...proxy.stats },
      duplicates,
      missing,
      outOfOrder: dynamo ? [] : outOfOrderSymbols(arrived),
      failed,
    };
  } finally {
    await proxy.close();
    await emulator.close();
  }
}

async function scanTrades(client: ReturnType<typeof dynamoClient>, name: string): Promise<Trade[]> {
  const trades: Trade[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) trades.push(item as unknown as Trade);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return trades;
}
