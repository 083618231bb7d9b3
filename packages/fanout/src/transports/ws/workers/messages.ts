import type { Trade } from '@market-stream/core';
import type { FanoutMetricsReport } from '../../../metrics/FanoutMetricsReport.js';
import type { ServeFanoutOptions } from '../serveFanout.js';

/**
 * The IPC messages between the primary of `serveFanout({ workers })` and its workers, sent with
 * Node's `advanced` (structured clone) serialization. Internal.
 */

/** The options a worker's `serveFanout` gets as data: everything that can cross a process. */
export type WorkerServeOptions = Omit<
  ServeFanoutOptions,
  | 'source'
  | 'onError'
  | 'workers'
  | 'workerModule'
  | 'server'
  | 'authenticate'
  | 'allowedOrigins'
  | 'store'
  | 'scheduler'
  | 'clock'
> & { allowedOrigins?: readonly string[] };

/** An error as data. */
export interface ErrorData {
  name: string;
  message: string;
  code?: string;
  details?: Record<string, unknown>;
}

/** Primary to worker. */
export type PrimaryMessage =
  | {
      kind: 'start';
      options: WorkerServeOptions;
      /** The port to listen on: the real one once known, so a restarted worker joins it. */
      port: number;
      /** `href` of the `workerModule`, if any. */
      workerModule?: string;
      metricsIntervalMs: number;
      /** The newest trade of every symbol, published before any live trade. */
      prime: Trade[];
    }
  /** A batch of trades as one JSON array: serialized once for every worker. */
  | { kind: 'trades'; json: string; count: number }
  | { kind: 'flush' }
  | { kind: 'report' }
  | { kind: 'close' };

/** Worker to primary. */
export type WorkerMessage =
  /** The worker listens for messages (cluster drops any sent before): send `start`. */
  | { kind: 'ready' }
  | { kind: 'listening'; port: number; url: string }
  | { kind: 'failed'; error: ErrorData }
  /** `received`: trades taken from `trades` messages so far, how far behind the primary it is. */
  | { kind: 'metrics'; report: FanoutMetricsReport; received: number }
  | { kind: 'error'; error: ErrorData };
