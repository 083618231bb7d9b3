/**
 * Messages between the fan-out benchmark's orchestrator (suites/fanout.bench.ts), its server
 * process (fanoutServer.ts) and its load-generator processes (loadGenerator.ts), over IPC.
 */

/** The servers compared. */
/**
 * Servers the fan-out suites compare: our engine in `all` / `latest` mode in one process, in
 * `all` mode over two worker processes (`serveFanout({ workers: 2 })`), the naive `ws`
 * broadcaster and Socket.IO.
 */
export type ServerKind =
  | 'engine-all'
  | 'engine-all-w2'
  | 'engine-latest'
  | 'naive-ws'
  | 'socket.io';

/** 20 symbols; each client subscribes to 5 of them. */
export const BENCH_SYMBOLS = Array.from(
  { length: 20 },
  (_, i) => `SYM${String.fromCharCode(65 + i)}`,
);
export const SYMBOLS_PER_CLIENT = 5;

/** Orchestrator → server. */
export type ServerCommand = { cmd: 'rate'; rate: number } | { cmd: 'stats' } | { cmd: 'stop' };

/** Server → orchestrator. */
export type ServerReply =
  | { type: 'ready'; port: number }
  | {
      type: 'stats';
      /** Cumulative CPU time, µs. */
      cpuMicros: number;
      /**
       * Per process of the server (its workers too), the time its main thread spent runnable but
       * waiting for a core so far, µs.
       */
      runQueueMicros: Record<string, number>;
      rss: number;
      /** Last seq generated per symbol. */
      seqs: Record<string, number>;
      /** The engine's flush window in force (engine only). */
      flushIntervalMs?: number;
      /** Messages the engine sent so far (engine only). */
      messagesOut?: number;
      /** The engine's own trade-to-send latency over its recent window, ms (engine only). */
      sendLatency?: { p50: number; p99: number };
      /** Clients the server currently holds. */
      connections: number;
    };

/** Orchestrator → load generator. */
export type LoadCommand =
  | { cmd: 'reset' }
  | { cmd: 'mark' }
  | { cmd: 'missing'; seqs: Record<string, number> }
  | { cmd: 'report'; seqs: Record<string, number> }
  | { cmd: 'stop' };

/** Load generator → orchestrator. */
export type LoadReply =
  | { type: 'connected'; clients: number; failed: number }
  | { type: 'marked' }
  | { type: 'missing'; missing: number }
  | {
      type: 'report';
      /** Latency histogram, 1 ms buckets (index = ms), last bucket = overflow. */
      histogram: number[];
      /** Trades received between reset and mark. */
      updates: number;
      /** Seconds between reset and mark. */
      seconds: number;
      /** Seq jumps (all mode: lost trades) and repeats. */
      gaps: number;
      duplicates: number;
      /** Trades not received by the end of the drain: all mode, every missing seq; latest, 1 per stale symbol. */
      missing: number;
      /** Clients whose socket closed. */
      disconnects: number;
      /** CPU time between reset and mark, µs. */
      cpuMicros: number;
    };
