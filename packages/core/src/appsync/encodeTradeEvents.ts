import type { Trade } from '../trade.js';
import { EventTooLargeError } from './EventTooLargeError.js';
import { APPSYNC_EVENTS_PROTOCOL } from './protocol.js';
import { utf8Length } from './utf8Length.js';

const HEAD = '{"type":"trades","trades":[';
const TAIL = ']}';
const FRAME_BYTES = HEAD.length + TAIL.length;

/**
 * Encodes one symbol's trades as AppSync Events events for its channel `/trades/SYMBOL`: each
 * event is the wire protocol's `trades` message, `{"type":"trades","trades":[…]}`, and the
 * trades are split into as few events as fit under `maxBytes` in UTF-8, in the order given
 * (pass them in `seq` order). Nothing is truncated or dropped: concatenating the events'
 * trades gives back the input. Publish the events in order, at most 5 per request
 * (`APPSYNC_EVENTS_PROTOCOL.maxEventsPerPublish`).
 *
 * @see https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-concepts.html (240 KB per event)
 *
 * @param trades - Trades of one symbol, in `seq` order.
 * @param maxBytes - The largest event in UTF-8 bytes.
 * @default maxBytes 245760 (`APPSYNC_EVENTS_PROTOCOL.maxEventBytes`, 240 KB)
 * @returns The events (JSON strings), none for no trades.
 * @throws {@link EventTooLargeError} when a single trade alone does not fit in `maxBytes`.
 *
 * @example
 * ```ts
 * import { encodeTradeEvents, tradesChannel } from '@market-stream/core';
 *
 * const events = encodeTradeEvents(aaplTrades);
 * for (let i = 0; i < events.length; i += 5) {
 *   await publish({ channel: tradesChannel('AAPL'), events: events.slice(i, i + 5) });
 * }
 * ```
 */
export function encodeTradeEvents(
  trades: readonly Trade[],
  maxBytes: number = APPSYNC_EVENTS_PROTOCOL.maxEventBytes,
): string[] {
  const events: string[] = [];
  let parts: string[] = [];
  let bytes = FRAME_BYTES;
  for (const trade of trades) {
    const json = JSON.stringify(trade);
    const size = utf8Length(json);
    if (FRAME_BYTES + size > maxBytes) throw new EventTooLargeError(FRAME_BYTES + size, maxBytes);
    const added = parts.length === 0 ? size : size + 1;
    if (bytes + added > maxBytes) {
      events.push(HEAD + parts.join(',') + TAIL);
      parts = [];
      bytes = FRAME_BYTES;
    }
    bytes += parts.length === 0 ? size : size + 1;
    parts.push(json);
  }
  if (parts.length > 0) events.push(HEAD + parts.join(',') + TAIL);
  return events;
}
