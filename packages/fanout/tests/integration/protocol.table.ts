import type { ProtocolLimits, ServerMessage } from '@market-stream/core';
import { expect } from 'vitest';
import { RecordingClient } from './serverless.client.js';

/**
 * One table of the server side of the wire protocol, run against both paths:
 * `protocol.engine.test.ts` (the engine behind `serveFanout`, over real `ws` sockets) and
 * `protocol.serverless.test.ts` (the Lambda handlers behind the local API Gateway emulator).
 * Both decide with core's `applyClientMessage` / `applyConnectQuery`, so a row answers alike on
 * both, except where it says so in `connect.serverless`.
 *
 * Not in the table, on purpose: `RATE_LIMITED` is the engine's alone (a Lambda keeps no state
 * between invocations; API Gateway's route throttling limits rates), and `UNAUTHORIZED` is the
 * upgrade's, not the protocol module's (see `ws.server.test.ts` and `lambda-handlers.test.ts`).
 */
export interface ProtocolCase {
  name: string;
  /** The `?symbols=` value the client connects with, if any. */
  symbols?: string;
  /**
   * What the connect query gets. The engine replies over the socket at once; API Gateway allows
   * no message during `$connect`, so the serverless path accepts silently (the set is stored and
   * `PROBE` shows it) or refuses the upgrade with HTTP 400 (the row's frames are then not sent).
   */
  connect?: { engine: unknown[]; serverless: 'silent' | 'HTTP 400' };
  /** Frames sent, in order, after connecting (objects are sent as JSON). */
  frames: unknown[];
  /** Every message the frames get, in order. */
  replies: unknown[];
}

/** The limits both paths run with: a small `maxSymbols` makes the limit cheap to reach. */
export const PROTOCOL_LIMITS: Partial<ProtocolLimits> = { maxSymbols: 3 };

/** Unsubscribing a symbol nobody holds changes nothing and replies the set: it reads the set. */
export const PROBE = { action: 'unsubscribe', symbol: 'ZZZZ' };

const subscribed = (...symbols: string[]) => ({ type: 'subscribed', symbols });
const emptySnapshot = { type: 'snapshot', trades: [] };
const error = (code: string) => ({ type: 'error', code, message: expect.any(String) });

export const PROTOCOL_CASES: ProtocolCase[] = [
  {
    name: 'subscribe replies the whole set sorted, then a snapshot of the added symbols',
    frames: [{ action: 'subscribe', symbols: ['tsla', 'AAPL'] }],
    replies: [subscribed('AAPL', 'TSLA'), emptySnapshot],
  },
  {
    name: 'a later subscribe is merged into the set sorted, not appended in insertion order',
    frames: [
      { action: 'subscribe', symbol: 'MSFT' },
      { action: 'subscribe', symbols: ['AAPL'] },
    ],
    replies: [subscribed('MSFT'), emptySnapshot, subscribed('AAPL', 'MSFT'), emptySnapshot],
  },
  {
    name: '"symbol" and "symbols" are both read, alone or together',
    frames: [
      { action: 'subscribe', symbol: 'nvda' },
      { action: 'subscribe', symbols: ['AAPL'], symbol: 'MSFT' },
    ],
    replies: [subscribed('NVDA'), emptySnapshot, subscribed('AAPL', 'MSFT', 'NVDA'), emptySnapshot],
  },
  {
    name: 'duplicates within a message count once; re-subscribing a held symbol sends no snapshot',
    frames: [
      { action: 'subscribe', symbols: ['aapl', 'AAPL', ' aapl '] },
      { action: 'subscribe', symbol: 'AAPL' },
    ],
    replies: [subscribed('AAPL'), emptySnapshot, subscribed('AAPL')],
  },
  {
    name: 'unsubscribe removes held symbols, ignores unknown ones, and replies the set',
    frames: [
      { action: 'subscribe', symbols: ['AAPL', 'MSFT'] },
      { action: 'unsubscribe', symbols: ['msft', 'NVDA'] },
      { action: 'unsubscribe', symbol: 'AAPL' },
    ],
    replies: [subscribed('AAPL', 'MSFT'), emptySnapshot, subscribed('AAPL'), subscribed()],
  },
  {
    name: 'ping gets pong',
    frames: [{ action: 'ping' }],
    replies: [{ type: 'pong' }],
  },
  {
    name: 'BAD_JSON for a frame that is not a JSON object',
    frames: ['not json', '[1,2]'],
    replies: [error('BAD_JSON'), error('BAD_JSON')],
  },
  {
    name: 'UNKNOWN_ACTION for a missing or unknown action',
    frames: [{}, { action: 'fly' }],
    replies: [error('UNKNOWN_ACTION'), error('UNKNOWN_ACTION')],
  },
  {
    name: 'INVALID_SYMBOL for bad, empty or missing symbols in a message (only the connect query drops empty entries)',
    frames: [
      { action: 'subscribe', symbols: ['no way'] },
      { action: 'subscribe', symbols: [''] },
      { action: 'subscribe', symbols: [] },
      { action: 'subscribe', symbols: 'AAPL' },
      PROBE,
    ],
    replies: [
      error('INVALID_SYMBOL'),
      error('INVALID_SYMBOL'),
      error('INVALID_SYMBOL'),
      error('INVALID_SYMBOL'),
      subscribed(),
    ],
  },
  {
    name: 'MESSAGE_TOO_LARGE for a frame over maxMessageBytes',
    frames: [{ action: 'subscribe', symbols: ['X'.repeat(5_000)] }],
    replies: [error('MESSAGE_TOO_LARGE')],
  },
  {
    name: 'TOO_MANY_SYMBOLS for a message naming more than maxSymbols',
    frames: [{ action: 'subscribe', symbols: ['AAPL', 'MSFT', 'NVDA', 'TSLA'] }, PROBE],
    replies: [error('TOO_MANY_SYMBOLS'), subscribed()],
  },
  {
    name: 'TOO_MANY_SYMBOLS for a set that would exceed maxSymbols, which stays as it was',
    frames: [
      { action: 'subscribe', symbols: ['AAPL', 'MSFT'] },
      { action: 'subscribe', symbols: ['MSFT', 'NVDA', 'TSLA'] },
      PROBE,
    ],
    replies: [
      subscribed('AAPL', 'MSFT'),
      emptySnapshot,
      error('TOO_MANY_SYMBOLS'),
      subscribed('AAPL', 'MSFT'),
    ],
  },
  {
    name: '?symbols= trims, upper-cases, deduplicates, drops empty entries and sorts',
    symbols: 'tsla,,aapl,TSLA,',
    connect: { engine: [subscribed('AAPL', 'TSLA'), emptySnapshot], serverless: 'silent' },
    frames: [PROBE],
    replies: [subscribed('AAPL', 'TSLA')],
  },
  {
    name: 'an empty ?symbols= starts with no symbols',
    symbols: ',',
    connect: { engine: [], serverless: 'silent' },
    frames: [PROBE],
    replies: [subscribed()],
  },
  {
    name: '?symbols= with an invalid entry: INVALID_SYMBOL (serverless: HTTP 400)',
    symbols: 'AAPL,no way',
    connect: { engine: [error('INVALID_SYMBOL')], serverless: 'HTTP 400' },
    frames: [PROBE],
    replies: [subscribed()],
  },
  {
    name: '?symbols= naming more than maxSymbols: TOO_MANY_SYMBOLS (serverless: HTTP 400)',
    symbols: 'AAPL,MSFT,NVDA,TSLA',
    connect: { engine: [error('TOO_MANY_SYMBOLS')], serverless: 'HTTP 400' },
    frames: [PROBE],
    replies: [subscribed()],
  },
];

/**
 * Runs one row against a server at `url` (`path` picks the row's connect expectation) and
 * asserts every message the client gets. A `ping` after the frames marks the end: each path
 * answers one connection's frames in order, so its `pong` comes last.
 */
export async function runProtocolCase(
  url: string,
  path: 'engine' | 'serverless',
  row: ProtocolCase,
): Promise<void> {
  const target =
    row.symbols === undefined ? url : `${url}?symbols=${encodeURIComponent(row.symbols)}`;
  if (path === 'serverless' && row.connect?.serverless === 'HTTP 400') {
    await expect(RecordingClient.connect(target)).rejects.toThrow('HTTP 400');
    return;
  }
  const client = await RecordingClient.connect(target);
  try {
    const onConnect = path === 'engine' ? (row.connect?.engine ?? []) : [];
    for (const frame of row.frames) client.send(frame);
    client.send({ action: 'ping' });
    const expected = [...onConnect, ...row.replies, { type: 'pong' }];
    await client.waitFor((_): _ is ServerMessage => client.messages.length >= expected.length);
    expect(client.messages).toEqual(expected);
  } finally {
    await client.close();
  }
}
