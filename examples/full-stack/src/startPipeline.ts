import type { Trade } from '@market-stream/core';
import {
  fromKinesis,
  HISTORY_INTERVALS,
  queryBars,
  queryTrades,
  toDynamo,
  toKinesis,
} from '@market-stream/sinks';
import {
  firstValueFrom,
  type Observable,
  Subject,
  type Subscription,
  share,
  takeUntil,
  tap,
  timer,
} from 'rxjs';
import type { SystemConfig } from './config.js';
import { startEmulators } from './emulators.js';
import { type History, MemoryHistory } from './history/MemoryHistory.js';
import type { PipelineStats } from './PipelineStats.js';

/**
 * The bar intervals the system records, by the names `GET /api/bars?interval=` takes: every
 * interval of the history API's one set (sinks' `HISTORY_INTERVALS`, shared with the deployed
 * `HistoryApi`). Cheap: the longer a bar, the fewer there are to keep or write.
 */
export const BAR_INTERVALS: ReadonlyMap<string, number> = HISTORY_INTERVALS;

/**
 * Whether the pipeline can take more trades now: `busy` while a sink lags (answer 429 and
 * come back after `retryAfterSeconds`), `down` once a part has stopped (503).
 */
export type PipelineState =
  | { state: 'ok' }
  | { state: 'busy'; retryAfterSeconds: number; reason: string }
  | { state: 'down'; reason: string };

/**
 * Trades held between the ingest door and the history table above which ingest answers 429:
 * a fifth of a sink's default buffer (`maxBufferedRecords` 100,000), so a burst of ingest is
 * turned away long before a sink overflows.
 */
export const MAX_PIPELINE_LAG = 20_000;

/** The running data path from the producers to the fan-out and the history. */
export interface Pipeline {
  /** The trades the fan-out serves, shared. */
  processed$: Observable<Trade>;
  history: History;
  /** Whether ingest is taken now. */
  state(): PipelineState;
  /**
   * Waits until the producers have completed and the sinks have written what they hold, at
   * most `deadlineMs`, then stops the sinks.
   */
  drain(producerDone: Promise<void>, deadlineMs: number): Promise<void>;
  /** Stops the emulators. */
  close(): Promise<void>;
}

/**
 * Starts the data path of DESIGN.md: `produced$` → toKinesis → kinesalite → fromKinesis → the
 * fan-out and toDynamo (trades, and bars per interval, in dynalite). `inMemory` skips the
 * emulators: trades go straight to the fan-out and a bounded in-memory history.
 */
export async function startPipeline(
  produced$: Observable<Trade>,
  config: Pick<SystemConfig, 'inMemory' | 'tuning'> & Partial<Pick<SystemConfig, 'read'>>,
  stats: PipelineStats,
): Promise<{ pipeline: Pipeline; producerDone: Promise<void> }> {
  const read = config.read ?? 'push';
  const maxLag = config.tuning?.maxPipelineLag ?? MAX_PIPELINE_LAG;
  const buffer =
    config.tuning?.sinkBufferRecords === undefined
      ? {}
      : { maxBufferedRecords: config.tuning.sinkBufferRecords };
  if (config.inMemory) {
    const processed$ = produced$.pipe(share());
    const history = new MemoryHistory(processed$, [...BAR_INTERVALS.values()]);
    return {
      producerDone: Promise.resolve(),
      pipeline: {
        processed$,
        history,
        state: () => ({ state: 'ok' }),
        drain: async () => {},
        close: async () => history.close(),
      },
    };
  }
  const aws = await startEmulators();
  const subscriptions: Subscription[] = [];
  const producerDone = new Promise<void>((resolve) => {
    subscriptions.push(
      produced$
        .pipe(
          tap(() => stats.submitted(1)),
          toKinesis({
            client: aws.kinesis,
            streamName: aws.streamName,
            // One entry per symbol per request keeps each symbol in order; aggregation packs
            // all of a symbol's queued trades into that entry, so order costs no throughput.
            aggregate: true,
            lingerMs: 20,
            ...buffer,
            onFailure: (f) => stats.failed('kinesis', f.records.length),
            onUnsent: (u) => stats.failed('kinesis', u.unsent.length + u.inFlight.length),
          }),
        )
        .subscribe({
          next: (report) => stats.delivered('kinesis', report.records),
          error: (error) => {
            stats.fatal('kinesis', error);
            resolve();
          },
          complete: resolve,
        }),
    );
  });

  const read$ = fromKinesis({
    client: aws.kinesis,
    streamName: aws.streamName,
    from: 'trim-horizon',
    ...(read === 'push'
      ? { consumer: { name: 'full-stack' } }
      : { pollIntervalMs: 100, maxIdlePollIntervalMs: 200 }),
  }).pipe(
    tap({ next: () => stats.read(1), error: (error) => stats.fatal('reader', error) }),
    share(),
  );
  // The sinks see the stream until `drained$`: completing their input makes them write out what
  // they hold, where an unsubscribe would drop it.
  const drained$ = new Subject<void>();
  const sinksDone: Promise<void>[] = [];
  const sink = (stage: 'history' | 'bars', intervalMs?: number) =>
    sinksDone.push(
      new Promise<void>((resolve) => {
        subscriptions.push(
          read$
            .pipe(
              takeUntil(drained$),
              toDynamo({
                client: aws.dynamo,
                tableName: aws.tableName,
                ...buffer,
                ...(intervalMs === undefined ? {} : { bars: { intervalMs } }),
                onFailure: (f) => stats.failed(stage, f.records.length),
                onUnsent: (u) => stats.failed(stage, u.unsent.length + u.inFlight.length),
              }),
            )
            .subscribe({
              next: (report) => stats.delivered(stage, report.records),
              error: (error) => {
                stats.fatal(stage, error);
                resolve();
              },
              complete: resolve,
            }),
        );
      }),
    );
  sink('history');
  for (const intervalMs of [...BAR_INTERVALS.values()]) sink('bars', intervalMs);

  const history: History = {
    trades: (symbol, limit) =>
      queryTrades({ client: aws.dynamo, tableName: aws.tableName, symbol, limit }),
    bars: (symbol, intervalMs, limit) =>
      queryBars({
        client: aws.dynamo,
        tableName: aws.tableName,
        symbol,
        interval: intervalMs,
        limit,
      }),
  };
  return {
    producerDone,
    pipeline: {
      processed$: read$,
      history,
      state: () => {
        const down = stats.down();
        if (down !== undefined) return { state: 'down', reason: down };
        const lag = stats.lag();
        if (lag <= maxLag) return { state: 'ok' };
        const reason = `${lag} trades are still on their way to the history table`;
        return { state: 'busy', retryAfterSeconds: 1, reason };
      },
      drain: async (done, deadlineMs) => {
        const deadline = firstValueFrom(timer(deadlineMs));
        await Promise.race([done, deadline]);
        // Everything sent to Kinesis has been read before the sinks' input completes.
        await Promise.race([stats.caughtUp(), deadline]);
        drained$.next();
        await Promise.race([Promise.all(sinksDone), deadline]);
        for (const subscription of subscriptions) subscription.unsubscribe();
      },
      close: () => aws.close(),
    },
  };
}
