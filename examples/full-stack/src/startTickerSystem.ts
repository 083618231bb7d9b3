import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Trade } from '@market-stream/core';
import { type FanoutServer, serveFanout } from '@market-stream/fanout';
import { DEFAULT_TICKERS, simulateTrades } from '@market-stream/simulator';
import { merge, Subject, takeUntil } from 'rxjs';
import type { SystemConfig } from './config.js';
import { type LocalEventsFanout, startEventsFanout } from './eventsFanout.js';
import { handleRequest, type RouteContext } from './http/handleRequest.js';
import { IngestDoor } from './http/IngestDoor.js';
import { PipelineStats } from './PipelineStats.js';
import { bundlePage } from './page/bundlePage.js';
import { renderPage } from './page/renderPage.js';
import { startPipeline } from './startPipeline.js';

/** A running ticker system. */
export interface TickerSystem {
  /** `http://host:port` of the page and the API. */
  url: string;
  /** `ws://host:port/ws`. */
  wsUrl: string;
  port: number;
  /** The token `POST /api/ingest` needs, when one is required. */
  ingestToken: string | undefined;
  /**
   * Stops everything: the producers stop, the sinks write what they hold (up to 5 s), clients
   * get 1001, the emulators stop. Resolves to the pipeline's final counts.
   */
  close(): Promise<Record<string, unknown>>;
}

/** What `POST /api/ingest` takes (README, "Guarantees"). */
export const INGEST_LIMITS = {
  /** A trade's timestamp is within now ± this, ms. */
  maxClockSkewMs: 60_000,
  /** A known symbol's next seq is above its last, by at most this. */
  maxSeqGap: 1_000,
  /** Distinct symbols ingest may create while the system runs. */
  maxSymbols: 1_000,
  /** Trades per request. */
  maxTrades: 1_000,
} as const;

/** How long Ctrl-C waits for the sinks to write what they hold, ms. */
const DRAIN_DEADLINE_MS = 5_000;

/**
 * Composes the blocks into the whole system of DESIGN.md on one machine:
 * simulator + POST /api/ingest → toKinesis → kinesalite → fromKinesis → toDynamo (trades and
 * bars, dynalite) and the fan-out engine → WebSocket → the ticker page. With `inMemory`, trades
 * go straight to the fan-out and a bounded in-memory history. With `fanout: 'events'` the page
 * subscribes to a local AppSync Events emulator that the processed trades are published to.
 */
export async function startTickerSystem(config: SystemConfig): Promise<TickerSystem> {
  const symbols =
    typeof config.tickers === 'number'
      ? DEFAULT_TICKERS.slice(0, config.tickers).map((t) => t.symbol)
      : config.tickers;
  const stats = new PipelineStats();
  const ingest$ = new Subject<Trade>();
  const stop$ = new Subject<void>();
  // Stopping completes the producer side, so the sinks write out what they buffered.
  const produced$ = merge(
    simulateTrades({
      symbols,
      tradesPerSecond: config.tradesPerSecond,
      model: config.model,
      seed: config.seed,
    }),
    ingest$,
  ).pipe(takeUntil(stop$));
  const { pipeline, producerDone } = await startPipeline(produced$, config, stats);

  // Off loopback, anyone on the network could post trades: a token is then required.
  const ingestToken =
    config.ingestToken ?? (isLoopback(config.host) ? undefined : randomBytes(18).toString('hex'));
  const script = await bundlePage();
  let fanoutServer: FanoutServer | undefined;
  // `--fanout events`: the page subscribes to a local AppSync Events emulator instead of /ws.
  const events: LocalEventsFanout | undefined =
    config.fanout === 'events'
      ? await startEventsFanout(pipeline.processed$, {
          host: config.host,
          onError: (error) => console.warn(`[events] ${(error as Error).message ?? error}`),
        })
      : undefined;
  // Built once: the page and the routes do not change while the system runs.
  const routes: RouteContext = {
    page: renderPage({
      symbols,
      ...(events && {
        events: { realtimeUrl: events.realtimeUrl, host: events.host, apiKey: events.apiKey },
      }),
    }),
    script,
    health: () => {
      const down = stats.down();
      return {
        ok: down === undefined,
        body: {
          status: down === undefined ? 'ok' : 'down',
          ...(down === undefined ? {} : { reason: down }),
          pipeline: config.inMemory
            ? 'in-memory'
            : `local Kinesis (${config.read ?? 'push'}) → dynalite`,
          symbols: symbols.length,
          ...stats.snapshot(),
          ...fanoutHealth(fanoutServer),
          ...(events && { events: events.stats() }),
        },
      };
    },
    metrics: () => `${fanoutServer?.metrics.toPrometheus() ?? ''}${stats.toPrometheus()}`,
    trades: (symbol, limit) => pipeline.history.trades(symbol, limit),
    bars: (symbol, intervalMs, limit) => pipeline.history.bars(symbol, intervalMs, limit),
    door: new IngestDoor({ ...INGEST_LIMITS, reservedSymbols: symbols, token: ingestToken }),
    pipeline: () => pipeline.state(),
    ingest: async (trades) => {
      for (const trade of trades) ingest$.next(trade);
      stats.ingested(trades.length);
    },
  };
  const server = createServer((request, response) => {
    handleRequest(routes, request, response).catch((error) => {
      console.error('[http] unanswered request:', error);
      response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  fanoutServer = await serveFanout({
    server,
    path: '/ws',
    source: pipeline.processed$,
    mode: config.mode,
    // Dropped seq jumps and symbols past the bound are counted in /metrics; say why here too.
    onError: (error) => console.warn(`[fanout] ${(error as Error).message ?? error}`),
  });
  stats.watch(fanoutServer.metrics);

  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<Record<string, unknown>> | undefined;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    port,
    ingestToken,
    close: () => {
      closing ??= (async () => {
        stop$.next();
        await pipeline.drain(producerDone, DRAIN_DEADLINE_MS);
        await fanoutServer?.close();
        await events?.close();
        await pipeline.close();
        stats.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        return stats.snapshot();
      })();
      return closing;
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
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
