import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trade } from '@market-stream/core';
import { type FanoutServer, serveFanout } from '@market-stream/fanout';
import { DEFAULT_TICKERS, simulateTrades } from '@market-stream/simulator';
import { fromKinesis, queryBars, queryTrades, toDynamo, toKinesis } from '@market-stream/sinks';
import { merge, type Observable, Subject, type Subscription, share, takeUntil } from 'rxjs';
import type { SystemConfig } from './config.js';
import { type Emulators, startEmulators } from './emulators.js';
import { type History, MemoryHistory } from './history/MemoryHistory.js';
import { BAR_INTERVALS, handleRequest, type RouteContext } from './http/handleRequest.js';
import { PipelineStats } from './PipelineStats.js';
import { bundlePage } from './page/bundlePage.js';
import { renderPage } from './page/renderPage.js';

/** A running ticker system. */
export interface TickerSystem {
  /** `http://host:port` of the page and the API. */
  url: string;
  /** `ws://host:port/ws`. */
  wsUrl: string;
  port: number;
  /** Stops everything: clients get 1001, buffered trades are flushed, emulators stop. */
  close(): Promise<void>;
}

/**
 * Composes the blocks into the whole system of DESIGN.md on one machine:
 * simulator + POST /api/ingest → toKinesis → kinesalite → fromKinesis → toDynamo (trades and
 * bars, dynalite) and the fan-out engine → WebSocket → the ticker page. With `inMemory`, trades
 * go straight to the fan-out and a bounded in-memory history.
 */
export async function startTickerSystem(config: SystemConfig): Promise<TickerSystem> {
  const symbols =
    typeof config.tickers === 'number'
      ? DEFAULT_TICKERS.slice(0, config.tickers).map((t) => t.symbol)
      : config.tickers;
  const stats = new PipelineStats();
  const subscriptions: Subscription[] = [];
  const ingest$ = new Subject<Trade>();
  const stop$ = new Subject<void>();
  // Stopping completes the producer side, so the Kinesis sink flushes what it buffered.
  const produced$ = merge(
    simulateTrades({
      symbols,
      tradesPerSecond: config.tradesPerSecond,
      model: config.model,
      seed: config.seed,
    }),
    ingest$,
  ).pipe(takeUntil(stop$));
  let producerDone: Promise<void> = Promise.resolve();

  let emulators: Emulators | undefined;
  let processed$: Observable<Trade>;
  let history: History;
  let memoryHistory: MemoryHistory | undefined;
  if (config.inMemory) {
    processed$ = produced$.pipe(share());
    memoryHistory = new MemoryHistory(processed$, Object.values(BAR_INTERVALS));
    history = memoryHistory;
  } else {
    const aws = await startEmulators();
    emulators = aws;
    producerDone = new Promise((resolve) => {
      subscriptions.push(
        produced$
          .pipe(
            toKinesis({
              client: aws.kinesis,
              streamName: aws.streamName,
              // One entry per symbol per request keeps each symbol in order; aggregation packs
              // all of a symbol's queued trades into that entry, so order costs no throughput.
              aggregate: true,
              lingerMs: 20,
              onFailure: (f) => stats.failed('kinesis', f.records.length),
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
    processed$ = fromKinesis({
      client: aws.kinesis,
      streamName: aws.streamName,
      from: 'trim-horizon',
      pollIntervalMs: 100,
      maxIdlePollIntervalMs: 200,
    }).pipe(share());
    subscriptions.push(
      processed$
        .pipe(
          toDynamo({
            client: aws.dynamo,
            tableName: aws.tableName,
            onFailure: (f) => stats.failed('history', f.records.length),
          }),
        )
        .subscribe({
          next: (report) => stats.delivered('history', report.records),
          error: (error) => stats.fatal('history', error),
        }),
      ...Object.values(BAR_INTERVALS).map((intervalMs) =>
        processed$
          .pipe(
            toDynamo({
              client: aws.dynamo,
              tableName: aws.tableName,
              bars: { intervalMs },
              onFailure: (f) => stats.failed('bars', f.records.length),
            }),
          )
          .subscribe({
            next: (report) => stats.delivered('bars', report.records),
            error: (error) => stats.fatal('bars', error),
          }),
      ),
    );
    history = {
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
  }

  const script = await bundlePage();
  let fanoutServer: FanoutServer | undefined;
  // Built once: the page and the routes do not change while the system runs.
  const routes: RouteContext = {
    page: renderPage({ symbols }),
    script,
    health: () => ({
      status: stats.fatalError ? 'degraded' : 'ok',
      pipeline: config.inMemory ? 'in-memory' : 'kinesalite → dynalite',
      symbols: symbols.length,
      ...stats.snapshot(),
      ...fanoutHealth(fanoutServer),
    }),
    metrics: () => `${fanoutServer?.metrics.toPrometheus() ?? ''}${stats.toPrometheus()}`,
    trades: (symbol, limit) => history.trades(symbol, limit),
    bars: (symbol, intervalMs, limit) => history.bars(symbol, intervalMs, limit),
    ingest: async (trades) => {
      for (const trade of trades) ingest$.next(trade);
      stats.ingested(trades.length);
    },
  };
  const server = createServer((request, response) => void handleRequest(routes, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  fanoutServer = await serveFanout({ server, path: '/ws', source: processed$, mode: config.mode });
  stats.watch(fanoutServer.metrics);

  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    port,
    close: () => {
      closing ??= (async () => {
        stop$.next();
        await Promise.race([producerDone, new Promise((resolve) => setTimeout(resolve, 3_000))]);
        await fanoutServer?.close();
        for (const subscription of subscriptions) subscription.unsubscribe();
        memoryHistory?.close();
        stats.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await emulators?.close();
      })();
      return closing;
    },
  };
}

function fanoutHealth(server: FanoutServer | undefined): Record<string, unknown> {
  if (server === undefined) return {};
  const snapshot = server.metrics.snapshot();
  return {
    clients: snapshot.connections,
    subscriptions: snapshot.subscriptions,
    messagesOut: snapshot.messagesOut,
    flushIntervalMs: snapshot.flushIntervalMs,
    latencyP50Ms: snapshot.latencyMs.p50,
    latencyP99Ms: snapshot.latencyMs.p99,
  };
}
