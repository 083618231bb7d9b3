import {
  classifySeq,
  DEFAULT_PROTOCOL_LIMITS,
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
import { DEFAULT_CLIENT_OPTIONS, DEFAULT_RECONNECT } from '../defaults.js';
import {
  ClientClosedError,
  InvalidSymbolError,
  TooManySymbolsError,
  WebSocketUnavailableError,
} from '../errors.js';
import { backoffDelay } from '../internal/backoffDelay.js';
import { connectionUrl } from '../internal/connectionUrl.js';
import { StaleTracker } from '../internal/StaleTracker.js';
import type {
  ConnectionStatus,
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
 * - per symbol, `trades$` is in `seq` order without duplicates; jumps are reported on `gaps$`;
 * - a symbol silent for `staleAfterMs` appears in `stale$` until its next trade;
 * - bounded: at most `maxSymbols` symbols, nothing buffered while disconnected, subscribe
 *   messages split to the protocol's 50 symbols per message.
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

  const wanted = new Set<string>();
  const latest = new Map<string, Trade>();
  // Highest seq per symbol on the current connection: cleared on connect, reset by snapshots.
  const highest = new Map<string, number>();

  const status$ = new BehaviorSubject<ConnectionStatus>('connecting');
  const trades$ = new Subject<Trade>();
  const latest$ = new BehaviorSubject<ReadonlyMap<string, Trade>>(new Map());
  const gaps$ = new Subject<SeqAnomaly>();
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
  }

  function send(action: 'subscribe' | 'unsubscribe', symbols: readonly string[]): void {
    if (!socket || socket.readyState !== OPEN) return;
    // Servers refuse messages naming more than the protocol's per-message symbol limit.
    const per = DEFAULT_PROTOCOL_LIMITS.maxSymbols;
    for (let i = 0; i < symbols.length; i += per) {
      socket.send(JSON.stringify({ action, symbols: symbols.slice(i, i + per) }));
    }
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
      highest.clear();
      status$.next('open');
      send('subscribe', [...wanted]);
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
        let changed = false;
        for (const trade of message.trades) {
          if (!trade || !wanted.has(trade.symbol)) continue;
          if (message.type === 'trades' && !inSequence(trade)) continue;
          highest.set(trade.symbol, trade.seq);
          latest.set(trade.symbol, trade);
          staleness.touch(trade.symbol);
          changed = true;
          trades$.next(trade);
        }
        if (changed) latest$.next(new Map(latest));
        return;
      }
      case 'error':
        errors$.next(new ProtocolError(message.code, message.message));
        return;
      default:
        return;
    }
  }

  /** Reports gaps and duplicates as core's `detectGaps` does; false when the trade is a duplicate. */
  function inSequence(trade: Trade): boolean {
    const anomaly = classifySeq(highest.get(trade.symbol), trade);
    if (anomaly !== undefined) gaps$.next(anomaly);
    return anomaly?.kind !== 'duplicate';
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
    for (const subject of [status$, trades$, latest$, gaps$, stale$, errors$]) subject.complete();
  }

  const client: TickerClient = {
    status$: status$.asObservable(),
    trades$: trades$.asObservable(),
    latest$: latest$.asObservable(),
    gaps$: gaps$.asObservable(),
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
        staleness.forget(symbol);
      }
      send('unsubscribe', removed);
      if (changed) latest$.next(new Map(latest));
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
