import { MarketStreamError } from '@market-stream/core';

/**
 * A connection store could not read or write its backing table. `operation` names the store
 * method; `cause` carries the underlying AWS SDK error.
 *
 * @example
 * ```ts
 * import { ConnectionStoreError } from '@market-stream/fanout';
 *
 * try {
 *   await store.listShard(3);
 * } catch (error) {
 *   if (error instanceof ConnectionStoreError) console.error(error.operation, error.cause);
 * }
 * ```
 */
export class ConnectionStoreError extends MarketStreamError {
  /** The store method that failed: `put`, `get`, `updateSymbols`, `remove` or `listShard`. */
  readonly operation: string;

  /**
   * @param operation - The store method that failed.
   * @param message - What went wrong.
   * @param options - `cause`: the underlying error.
   */
  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super('CONNECTION_STORE', message, options);
    this.operation = operation;
  }
}

/**
 * A message cannot be delivered through API Gateway's `@connections` API because it is over the
 * 128 KB message payload limit and cannot be split (it is not a `trades` message, or one trade
 * alone is too large). Nothing is truncated: the message is refused as a whole.
 *
 * @example
 * ```ts
 * import { PayloadTooLargeError } from '@market-stream/fanout';
 *
 * try {
 *   await transport.send(connectionId, hugeText);
 * } catch (error) {
 *   if (error instanceof PayloadTooLargeError) console.error(error.bytes, 'bytes >', error.limit);
 * }
 * ```
 */
export class PayloadTooLargeError extends MarketStreamError {
  /** UTF-8 size of the refused payload. */
  readonly bytes: number;
  /** The limit it exceeds. */
  readonly limit: number;

  /**
   * @param bytes - UTF-8 size of the refused payload.
   * @param limit - The limit it exceeds.
   */
  constructor(bytes: number, limit: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      `payload of ${bytes} bytes exceeds the ${limit}-byte API Gateway message limit and cannot be split`,
    );
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * A ready Lambda handler of `@market-stream/fanout/lambda` is missing or has an invalid
 * environment variable. `variable` names it.
 *
 * @example
 * ```ts
 * import { LambdaConfigError } from '@market-stream/fanout';
 *
 * const error = new LambdaConfigError('CONNECTIONS_TABLE', 'is required');
 * error.message; // 'CONNECTIONS_TABLE is required'
 * ```
 */
export class LambdaConfigError extends MarketStreamError {
  /** The environment variable at fault. */
  readonly variable: string;

  /**
   * @param variable - The environment variable at fault.
   * @param problem - What is wrong with it.
   */
  constructor(variable: string, problem: string) {
    super('LAMBDA_CONFIG', `${variable} ${problem}`);
    this.variable = variable;
  }
}

/**
 * A client's credentials were missing or refused (bad signature, expired, wrong issuer or
 * audience). `code` is the contract's `UNAUTHORIZED`; `cause` carries `jose`'s reason.
 *
 * @example
 * ```ts
 * import { UnauthorizedError, createJwtVerifier } from '@market-stream/fanout';
 *
 * const verifier = createJwtVerifier({ secret: process.env.JWT_SECRET! });
 * try {
 *   await verifier.verify(token);
 * } catch (error) {
 *   if (error instanceof UnauthorizedError) console.warn(error.message);
 * }
 * ```
 */
export class UnauthorizedError extends MarketStreamError {
  declare readonly code: 'UNAUTHORIZED';

  /**
   * @param message - Why the credentials were refused (safe to log, not to send).
   * @param options - `cause`: the underlying error.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAUTHORIZED', message, options);
  }
}

/**
 * A source trade jumped further past its symbol's newest `seq` than the engine's `maxSeqGap`
 * allows, so the engine dropped it (`seq_gap`) rather than let it make every later trade of the
 * symbol look stale. Reported through `onError` at most once per symbol per
 * `ENGINE_DEFAULTS.errorReportIntervalMs`.
 *
 * @example
 * ```ts
 * import { SequenceGapError, createFanout } from '@market-stream/fanout';
 *
 * const fanout = createFanout({
 *   transport,
 *   onError: (error) => {
 *     if (error instanceof SequenceGapError) console.warn(error.symbol, error.lastSeq, error.seq);
 *   },
 * });
 * ```
 */
export class SequenceGapError extends MarketStreamError {
  /** The symbol of the dropped trade. */
  readonly symbol: string;
  /** The symbol's newest `seq` the engine had. */
  readonly lastSeq: number;
  /** The dropped trade's `seq`. */
  readonly seq: number;
  /** The largest jump allowed. */
  readonly maxSeqGap: number;

  /**
   * @param symbol - The symbol of the dropped trade.
   * @param lastSeq - The symbol's newest `seq` the engine had.
   * @param seq - The dropped trade's `seq`.
   * @param maxSeqGap - The largest jump allowed.
   */
  constructor(symbol: string, lastSeq: number, seq: number, maxSeqGap: number) {
    super(
      'SEQ_GAP',
      `${symbol} trade with seq ${seq} dropped: more than ${maxSeqGap} past the newest seq ${lastSeq}`,
    );
    this.symbol = symbol;
    this.lastSeq = lastSeq;
    this.seq = seq;
    this.maxSeqGap = maxSeqGap;
  }
}

/**
 * A trade of a new symbol was dropped (`symbol_limit`) because the engine already keeps
 * `maxSymbols` symbols and every one of them has a subscriber (only symbols nobody subscribes to
 * make room). Reported through `onError` at most once per
 * `ENGINE_DEFAULTS.errorReportIntervalMs`.
 *
 * @example
 * ```ts
 * import { SymbolLimitError, createFanout } from '@market-stream/fanout';
 *
 * const fanout = createFanout({
 *   transport,
 *   maxSymbols: 1_000,
 *   onError: (error) => {
 *     if (error instanceof SymbolLimitError) console.warn(`${error.symbol} refused`, error.maxSymbols);
 *   },
 * });
 * ```
 */
export class SymbolLimitError extends MarketStreamError {
  /** The symbol whose trade was dropped. */
  readonly symbol: string;
  /** The engine's limit. */
  readonly maxSymbols: number;

  /**
   * @param symbol - The symbol whose trade was dropped.
   * @param maxSymbols - The engine's limit.
   */
  constructor(symbol: string, maxSymbols: number) {
    super(
      'SYMBOL_LIMIT',
      `${symbol} trade dropped: the engine keeps at most ${maxSymbols} symbols and all of them have subscribers`,
    );
    this.symbol = symbol;
    this.maxSymbols = maxSymbols;
  }
}

/**
 * `serveFanout({ workers })` was given an option it cannot use with more than one worker
 * process: a value that cannot cross a process boundary (a function, a server, a store, a
 * scheduler or a clock). `option` names it. Give per-worker functions through `workerModule`.
 *
 * @example
 * ```ts
 * import { WorkerOptionError, serveFanout } from '@market-stream/fanout';
 *
 * try {
 *   await serveFanout({ workers: 4, authenticate: (request) => checkKey(request) });
 * } catch (error) {
 *   if (error instanceof WorkerOptionError) console.error(error.option); // 'authenticate'
 * }
 * ```
 */
export class WorkerOptionError extends MarketStreamError {
  /** The option at fault. */
  readonly option: string;

  /**
   * @param option - The option at fault.
   * @param problem - Why it cannot be used, and what to do instead.
   */
  constructor(option: string, problem: string) {
    super('WORKER_OPTION', `${option} ${problem}`);
    this.option = option;
  }
}

/**
 * The primary of `serveFanout({ workers })` stopped restarting exited workers: more than
 * `maxRestartsPerMinute` restarts within 60 s is a crash loop. Reported through `onError`; the
 * other workers go on serving.
 *
 * @example
 * ```ts
 * import { WorkerRestartLimitError, serveFanout } from '@market-stream/fanout';
 *
 * await serveFanout({
 *   workers: 4,
 *   onError: (error) => {
 *     if (error instanceof WorkerRestartLimitError) alert(`${error.restarts} restarts in a minute`);
 *   },
 * });
 * ```
 */
export class WorkerRestartLimitError extends MarketStreamError {
  /** Restarts made within the last minute. */
  readonly restarts: number;
  /** Exit code of the worker left down (`null` when a signal ended it). */
  readonly exitCode: number | null;
  /** Signal that ended it, if one did. */
  readonly signal: string | null;

  /**
   * @param restarts - Restarts made within the last minute.
   * @param exitCode - Exit code of the worker left down.
   * @param signal - Signal that ended it.
   */
  constructor(restarts: number, exitCode: number | null, signal: string | null) {
    super(
      'WORKER_RESTART_LIMIT',
      `a fan-out worker exited (${signal ?? `code ${exitCode}`}) after ${restarts} restarts within a minute; it is not restarted`,
    );
    this.restarts = restarts;
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/**
 * An error a worker process of `serveFanout({ workers })` reported (its engine's `onError`, an
 * uncaught exception before it restarted), forwarded to the primary's `onError`. `code` is the
 * original error's code (e.g. `SEQ_GAP`) or `WORKER_ERROR`; `errorName` its class name.
 * Source-side errors (a sequence gap, the symbol limit) come once per worker, since each worker
 * sees every trade.
 *
 * @example
 * ```ts
 * import { WorkerError, serveFanout } from '@market-stream/fanout';
 *
 * await serveFanout({
 *   workers: 2,
 *   onError: (error) => {
 *     if (error instanceof WorkerError) console.warn(`worker ${error.pid}: ${error.errorName}`, error.message);
 *   },
 * });
 * ```
 */
export class WorkerError extends MarketStreamError {
  /** Pid of the worker that reported it. */
  readonly pid: number;
  /** The original error's class name (`SequenceGapError`, `TypeError`…). */
  readonly errorName: string;
  /** Own enumerable fields of the original error (`symbol`, `seq`…), as data. */
  readonly details: Readonly<Record<string, unknown>>;

  /**
   * @param pid - Pid of the worker.
   * @param data - The error as the worker sent it.
   */
  constructor(
    pid: number,
    data: { name: string; message: string; code?: string; details?: Record<string, unknown> },
  ) {
    super(data.code ?? 'WORKER_ERROR', data.message);
    this.pid = pid;
    this.errorName = data.name;
    this.details = data.details ?? {};
  }
}

/**
 * A connection call (`connect`, `handleMessage`, `disconnect`) reached the primary of
 * `serveFanout({ workers })`, whose `fanout` only forwards trades: connections live in the
 * worker processes, which accept them on the shared port.
 *
 * @example
 * ```ts
 * import { ConnectionsInWorkersError } from '@market-stream/fanout';
 *
 * try {
 *   server.fanout.connect('c1');
 * } catch (error) {
 *   if (error instanceof ConnectionsInWorkersError) console.error(error.operation); // 'connect'
 * }
 * ```
 */
export class ConnectionsInWorkersError extends MarketStreamError {
  /** The call that was refused. */
  readonly operation: string;

  /**
   * @param operation - The call that was refused.
   */
  constructor(operation: string) {
    super(
      'CONNECTIONS_IN_WORKERS',
      `${operation}() is not available in the primary of serveFanout({ workers }): connections live in the worker processes`,
    );
    this.operation = operation;
  }
}

/**
 * Events that could not be published to an AppSync Events channel: the request was refused
 * (a 4xx other than 429), or it was still throttled (429), failing (5xx, network error) or
 * reporting the events in its `failed` list after every retry, or an event was over the size
 * limit and was not sent at all. Nothing is dropped silently: `events` holds every event of the
 * `publish` call that was not published, in order (the ones after a failed request are not
 * sent, so a channel's order holds).
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html
 *
 * @example
 * ```ts
 * import { EventsPublishError } from '@market-stream/fanout/lambda';
 *
 * try {
 *   await publisher.publish('/trades/AAPL', events);
 * } catch (error) {
 *   if (error instanceof EventsPublishError) {
 *     console.error(error.channel, error.eventIndexes, error.status, error.failures);
 *   }
 * }
 * ```
 */
export class EventsPublishError extends MarketStreamError {
  /** The channel published to, e.g. `/trades/AAPL`. */
  readonly channel: string;
  /** The events that were not published, in the order given. */
  readonly events: readonly string[];
  /** Their positions in the `publish` call's `events`, ascending. */
  readonly eventIndexes: readonly number[];
  /**
   * What AppSync said about each event it listed as `failed` on the last attempt (position in
   * the `publish` call, its `code` and `message`); empty when the whole request failed.
   */
  readonly failures: ReadonlyArray<{ index: number; code?: string; message?: string }>;
  /** HTTP status of the last response, when there was one. */
  readonly status?: number;
  /** Requests made for the failing batch of events, the first included. */
  readonly attempts: number;

  /**
   * @param details - The channel, the unpublished events and their indexes, the per-event
   *   failures, the last status and the attempts made.
   * @param message - Why they were not published.
   * @param options - `cause`: the underlying error (e.g. a network error).
   */
  constructor(
    details: {
      channel: string;
      events: readonly string[];
      eventIndexes: readonly number[];
      failures?: ReadonlyArray<{ index: number; code?: string; message?: string }>;
      status?: number;
      attempts: number;
    },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(
      'EVENTS_PUBLISH',
      `${details.events.length} event(s) not published to ${details.channel}: ${message}`,
      options,
    );
    this.channel = details.channel;
    this.events = details.events;
    this.eventIndexes = details.eventIndexes;
    this.failures = details.failures ?? [];
    if (details.status !== undefined) this.status = details.status;
    this.attempts = details.attempts;
  }
}
