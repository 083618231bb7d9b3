import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseServerMessage, type ServerMessage, type Trade } from '@market-stream/core';
import type { Subject } from 'rxjs';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { tradeFactory } from '../../../../tests/helpers/factories.js';
import {
  type FanoutServer,
  type ServeFanoutOptions,
  serveFanout,
} from '../../src/transports/ws/serveFanout.js';

/**
 * Writes `source` to the module `path` and serves two workers that import it (`workerModule`),
 * collecting what reaches `onError`; the server joins `servers` for the file's clean-up.
 */
export async function serveWithWorkerModule(
  path: string,
  source: string,
  servers: FanoutServer[],
  options: ServeFanoutOptions = {},
): Promise<{ server: FanoutServer; errors: unknown[] }> {
  writeFileSync(path, source);
  const errors: unknown[] = [];
  const server = await serveFanout({
    workers: 2,
    ...options,
    workerModule: pathToFileURL(path),
    onError: (error) => errors.push(error),
  });
  servers.push(server);
  return { server, errors };
}

/**
 * Publishes rounds of trades on `source`: each call one trade of every symbol, its `seq` one
 * past the symbol's last. `seq` holds each symbol's last.
 */
export function roundPublisher(
  source: Subject<Trade>,
  symbols: readonly string[],
): { seq: Map<string, number>; publishRound: () => void } {
  const seq = new Map<string, number>();
  const publishRound = () => {
    for (const symbol of symbols) {
      const next = (seq.get(symbol) ?? 0) + 1;
      seq.set(symbol, next);
      source.next(tradeFactory({ symbol, seq: next, timestamp: Date.now() }));
    }
  };
  return { seq, publishRound };
}

/** A real `ws` client that records every server message. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  /** Highest `seq` received per symbol in `trades` messages. */
  readonly newest = new Map<string, number>();
  closeCode: number | undefined;
  closeReason = '';
  private waiters: Array<() => void> = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = parseServerMessage(String(data));
      if (message) this.messages.push(message);
      if (message?.type === 'trades') {
        for (const trade of message.trades) {
          if (trade.seq > (this.newest.get(trade.symbol) ?? 0)) {
            this.newest.set(trade.symbol, trade.seq);
          }
        }
      }
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = String(reason);
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const socket = new WebSocket(url, options);
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
    });
    return client;
  }

  send(value: unknown): void {
    this.socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Resolves once `predicate` holds, rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  errorCodes(): string[] {
    return this.messages.flatMap((m) => (m.type === 'error' ? [m.code] : []));
  }

  trades(): Trade[] {
    return this.messages.flatMap((m) => (m.type === 'trades' ? m.trades : []));
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A small deterministic PRNG (mulberry32), so random subscriptions are reproducible. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` distinct items of `items`, picked with `next`. */
export function pick<T>(items: readonly T[], count: number, next: () => number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) {
    chosen.push(pool.splice(Math.floor(next() * pool.length), 1)[0]!);
  }
  return chosen;
}

/** Resolves after `ms`. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` every 20 ms until it holds; rejects after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}

/**
 * Asserts that `client`'s first messages were `subscribed` with `symbols` (sorted), then a
 * snapshot of each symbol's first trade (`seq` 1).
 */
export function expectSubscribedThenFirstSnapshot(client: TestClient, symbols: string[]): void {
  const [subscribed, snapshot] = client.messages;
  expect(subscribed).toEqual({ type: 'subscribed', symbols: [...symbols].sort() });
  expect(snapshot?.type).toBe('snapshot');
  if (snapshot?.type !== 'snapshot') return;
  expect(snapshot.trades.map((t) => `${t.symbol}#${t.seq}`).sort()).toEqual(
    symbols.map((symbol) => `${symbol}#1`).sort(),
  );
}
