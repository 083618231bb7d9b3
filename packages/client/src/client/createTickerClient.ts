import {
  classifySeq,
  ProtocolError,
  parseServerMessage,
  type SeqAnomaly,
  type ServerMessage,
  SYMBOL_PATTERN,
  type Trade,
} from '@market-stream/core';
import {
  asyncScheduler,
  BehaviorSubject,
  type SchedulerAction,
  Subject,
  type Subscription,
} from 'rxjs';
import { DEFAULT_CLIENT_OPTIONS, DEFAULT_RECONNECT, DEFAULT_RECOVERY } from '../defaults.js';
import {
  ClientClosedError,
  InvalidSymbolError,
  TooManySymbolsError,
  WebSocketUnavailableError,
} from '../errors.js';
import { backoffDelay } from '../internal/backoffDelay.js';
import { connectionUrl } from '../internal/connectionUrl.js';
import { RecoveryHold, type Release } from '../internal/RecoveryHold.js';
import { StaleTracker } from '../internal/StaleTracker.js';
import { subscribeMessages } from '../internal/subscribeMessages.js';
import type {
  ConnectionStatus,
  RecoveryReport,
  TickerClient,
  TickerClientOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';

const OPEN = 1;

/**
 * Connects to a market-stream server (the local fan-out server or an API Gateway WebSocket
 * API — the protocol is the same) and keeps a live, self-healing view of the symbols you
 * subscribe to.
 *
 * Guarantees:
 * - reconnects after any drop with exponential backoff and full jitter, resetting the backoff
 *   once a connection has stayed open for `reconnect.resetAfterMs`;
 * - on every (re)connect it resubscribes to all symbols and applies the server's snapshot, so
 *   `latest()` is current again without waiting for the next trade;
 * - recovery (unless `recover: false`): a resubscribe names the last `seq` held per symbol
 *   (`since`); those symbols' trades are held until the server's `recovery` answer and then
 *   applied merged by `seq`, so the trades missed while disconnected arrive once, in order,
 *   before the live ones, even when live trades overtook them on the wire. A symbol not
 *   recovered takes the snapshot and `gaps$` reports the range lost once; `recovered$` says
 *   what came back. The wait is bounded (`recover.timeoutMs`, `recover.maxHeldTrades`);
 * - per symbol, `trades$` is in `seq` order without duplicates, and never moves back (a
 *   snapshot older than the trade held is ignored); jumps are reported on `gaps$`;
 * - a symbol silent for `staleAfterMs` appears in `stale$` until its next trade;
 * - bounded: at most `maxSymbols` symbols, nothing buffered while disconnected, subscribe
 *   messages split to the protocol's 50 symbols per message (each with the `since` of its
 *   own symbols).
 *
 * @param options - See {@link TickerClientOptions}.
 * @returns The {@link TickerClient}; it starts connecting at once.
 * @throws {@link WebSocketUnavailableError} when there is no WebSocket implementation.
 * @throws {@link InvalidSymbolError} / {@link TooManySymbolsError} for bad initial `symbols`.
 *
 * @example
 * ```ts
 * import { createTickerClient } from '@market-stream/client';
 * import { WebSocket } from 'ws'; // Node only; browsers have a global WebSocket
 *
 * const client = createTickerClient({
 *   url: 'ws://localhost:3000/ws',
 *   symbols: ['AAPL', 'MSFT'],
 *   WebSocket,
 * });
 * client.status$.subscribe((status) => console.log('status', status));
 * client.trades$.subscribe((trade) => console.log(trade.symbol, trade.price));
 * client.gaps$.subscribe((gap) => console.warn('seq anomaly', gap));
 * client.recovered$.subscribe((report) => console.log('recovered', report.total, 'trades'));
 * // later
 * client.close();
 * ```
 */
export function createTickerClient(options: TickerClientOptions): TickerClient {
  const Found = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Found) throw new WebSocketUnavailableError();
  const Impl: WebSocketConstructor = Found;
  const reconnect =
    options.reconnect === false ? false : { ...DEFAULT_RECONNECT, ...options.reconnect };
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  const maxSymbols = options.maxSymbols ?? DEFAULT_CLIENT_OPTIONS.maxSymbols;
  const pingIntervalMs = options.pingIntervalMs ?? DEFAULT_CLIENT_OPTIONS.pingIntervalMs;
  const url = connectionUrl(options.url, options.token);
  const recovery =
    options.recover === false
      ? false
      : { ...DEFAULT_RECOVERY, ...(options.recover === true ? {} : options.recover) };

  const wanted = new Set<string>();
  const latest = new Map<string, Trade>();
  // Last seq applied per symbol: kept across reconnects to ask for recovery (`since`), cleared
  // on connect when recovery is off (the snapshot is then the new baseline).
  const highest = new Map<string, number>();
  // The current connection's wait for its `recovery` answers, while there is one.
  let hold: RecoveryHold | undefined;
  let holdTimer: Subscription | undefined;

  const status$ = new BehaviorSubject<ConnectionStatus>('connecting');
  const trades$ = new Subject<Trade>();
  const latest$ = new BehaviorSubject<ReadonlyMap<string, Trade>>(new Map());
  const gaps$ = new Subject<SeqAnomaly>();
  const recovered$ = new Subject<RecoveryReport>();
  const stale$ = new BehaviorSubject<ReadonlySet<string>>(new Set());
  const errors$ = new Subject<ProtocolError>();
  const staleness = new StaleTracker(
    options.staleAfterMs ?? DEFAULT_CLIENT_OPTIONS.staleAfterMs,
    scheduler,
    (stale) => stale$.next(stale),
  );

  let socket: WebSocketLike | undefined;
  let attempt = 0;
  let closed = false;
  const timers: Subscription[] = [];

  function clearTimers(): void {
    for (const timer of timers.splice(0)) timer.unsubscribe();
    stopHold();
  }

  function send(
    action: 'subscribe' | 'unsubscribe',
    symbols: readonly string[],
    since?: ReadonlyMap<string, number>,
  ): void {
    if (!socket || socket.readyState !== OPEN) return;
    for (const message of subscribeMessages(action, symbols, since)) socket.send(message);
  }

  /** Resubscribes on open; with recovery, names the last seq held and starts waiting. */
  function resubscribe(): void {
    if (!recovery) {
      highest.clear();
      send('subscribe', [...wanted]);
      return;
    }
    const since = new Map<string, number>();
    for (const symbol of wanted) {
      const seq = highest.get(symbol);
      if (seq !== undefined) since.set(symbol, seq);
    }
    if (since.size > 0) {
      hold = new RecoveryHold(since, recovery.maxHeldTrades);
      holdTimer = scheduler.schedule(() => release(hold?.giveUp('TIMEOUT')), recovery.timeoutMs);
    }
    send('subscribe', [...wanted], since);
  }

  /** Ends the wait without a report (the connection dropped: the next one asks again). */
  function stopHold(): void {
    holdTimer?.unsubscribe();
    holdTimer = undefined;
    hold = undefined;
  }

  function connect(): void {
    let ws: WebSocketLike;
    try {
      ws = new Impl(url);
    } catch (error) {
      if (attempt === 0 && status$.value === 'connecting') throw error;
      dropped();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      status$.next('open');
      resubscribe();
      timers.push(
        scheduler.schedule(
          () => {
            attempt = 0;
          },
          reconnect ? reconnect.resetAfterMs : 0,
        ),
      );
      if (pingIntervalMs > 0) {
        timers.push(
          scheduler.schedule(function ping(this: SchedulerAction<unknown>) {
            if (socket === ws && ws.readyState === OPEN) ws.send('{"action":"ping"}');
            this.schedule(undefined, pingIntervalMs);
          }, pingIntervalMs),
        );
      }
    };
    ws.onmessage = (event: { data?: unknown }) => {
      if (socket !== ws || typeof event.data !== 'string') return;
      const message = parseServerMessage(event.data);
      if (message) receive(message);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      dropped();
    };
    // Every error is followed by a close event, which is where recovery happens.
    ws.onerror = () => {};
  }

  function dropped(): void {
    clearTimers();
    if (closed) return;
    if (reconnect === false) {
      shutdown();
      return;
    }
    status$.next('reconnecting');
    const delay = backoffDelay(attempt++, reconnect, random);
    timers.push(scheduler.schedule(connect, delay));
  }

  function receive(message: ServerMessage): void {
    switch (message.type) {
      case 'snapshot':
      case 'trades': {
        const snapshot = message.type === 'snapshot';
        let changed = false;
        for (const trade of message.trades) {
          if (!trade || !wanted.has(trade.symbol)) continue;
          if (hold?.waits(trade.symbol)) {
            if (hold.hold(trade, snapshot)) continue;
            changed = release(hold.giveUp('OVERFLOW'), false) || changed;
          }
          changed = apply(trade, snapshot) || changed;
        }
        if (changed) latest$.next(new Map(latest));
        return;
      }
      case 'recovery':
        if (hold) release(hold.answer(message));
        return;
      case 'error':
        errors$.next(new ProtocolError(message.code, message.message));
        return;
      default:
        return;
    }
  }

  /**
   * Applies one trade: a snapshot entry sets the baseline unless it is not newer than what is
   * held (it never moves a symbol back); a trade goes through the seq check, which reports gaps
   * and duplicates as core's `detectGaps` does and drops duplicates. True when applied.
   */
  function apply(trade: Trade, snapshot: boolean): boolean {
    const before = highest.get(trade.symbol);
    if (snapshot) {
      if (before !== undefined && trade.seq <= before) return false;
    } else {
      const anomaly = classifySeq(before, trade);
      if (anomaly !== undefined) gaps$.next(anomaly);
      if (anomaly?.kind === 'duplicate') return false;
    }
    highest.set(trade.symbol, trade.seq);
    latest.set(trade.symbol, trade);
    staleness.touch(trade.symbol);
    trades$.next(trade);
    return true;
  }

  /**
   * Applies the trades the hold released, each symbol's through the seq check from the last seq
   * held (so a symbol not recovered reports the range lost as one gap), or from nothing when
   * its sequence started again; trades not after the last seq are copies and dropped silently.
   * Reports the recovery once the hold is done. True when a trade was applied; `publish`
   * emits `latest$` for them.
   */
  function release(releases: Release[] | undefined, publish = true): boolean {
    let changed = false;
    for (const { symbol, trades, restart } of releases ?? []) {
      if (restart) highest.delete(symbol);
      for (const trade of trades) {
        // A trade both recovered and live (the serverless path reads history while the
        // connection already receives) is one trade: the merge drops the copy unreported.
        const before = highest.get(symbol);
        if (before !== undefined && trade.seq <= before) continue;
        changed = apply(trade, false) || changed;
      }
    }
    if (changed && publish) latest$.next(new Map(latest));
    if (hold?.done) {
      const report = hold.report;
      stopHold();
      recovered$.next(report);
    }
    return changed;
  }

  function normalize(symbols: readonly string[]): string[] {
    const result = [...new Set(symbols.map((symbol) => String(symbol).trim().toUpperCase()))];
    const bad = result.filter((symbol) => !SYMBOL_PATTERN.test(symbol));
    if (bad.length > 0) throw new InvalidSymbolError(bad);
    return result;
  }

  function shutdown(): void {
    closed = true;
    clearTimers();
    staleness.dispose();
    status$.next('closed');
    for (const subject of [status$, trades$, latest$, gaps$, recovered$, stale$, errors$]) {
      subject.complete();
    }
  }

  const client: TickerClient = {
    status$: status$.asObservable(),
    trades$: trades$.asObservable(),
    latest$: latest$.asObservable(),
    gaps$: gaps$.asObservable(),
    recovered$: recovered$.asObservable(),
    stale$: stale$.asObservable(),
    errors$: errors$.asObservable(),
    get symbols() {
      return [...wanted];
    },
    latest: (symbol) => latest.get(symbol.toUpperCase()),
    subscribe(symbols) {
      if (closed) throw new ClientClosedError();
      const added = normalize(symbols).filter((symbol) => !wanted.has(symbol));
      if (wanted.size + added.length > maxSymbols) throw new TooManySymbolsError(maxSymbols);
      for (const symbol of added) {
        wanted.add(symbol);
        staleness.touch(symbol);
      }
      send('subscribe', added);
    },
    unsubscribe(symbols) {
      if (closed) throw new ClientClosedError();
      const removed = normalize(symbols).filter((symbol) => wanted.delete(symbol));
      let changed = false;
      for (const symbol of removed) {
        changed = latest.delete(symbol) || changed;
        highest.delete(symbol);
        hold?.forget(symbol);
        staleness.forget(symbol);
      }
      send('unsubscribe', removed);
      if (changed) latest$.next(new Map(latest));
      if (hold?.done) release([]);
    },
    close() {
      if (closed) return;
      const ws = socket;
      socket = undefined;
      shutdown();
      ws?.close(1000, 'client closed');
    },
  };

  if (options.symbols) client.subscribe(options.symbols);
  connect();
  return client;
}
