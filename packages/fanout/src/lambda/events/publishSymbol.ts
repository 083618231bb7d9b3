import { encodeTradeEvents, parseTradeEvent, type Trade, tradesChannel } from '@market-stream/core';
import { EventsPublishError } from '../../errors.js';
import type { EventsPublisher } from './eventsPublisherTypes.js';

/** A trade of the batch and the position of the Kinesis record it came from. */
export interface OriginTrade {
  trade: Trade;
  origin: number;
}

/**
 * What publishing one symbol's trades of a batch did.
 * @internal
 */
export interface PublishOutcome {
  channel: string;
  /** Events accepted. */
  published: number;
  /** Events not published. */
  failed: number;
  /** Position of the record holding the first trade not published; unset when all were. */
  firstUnpublishedOrigin?: number;
}

/**
 * Publishes one symbol's trades of a batch to its channel: in `seq` order (a `seq` repeated
 * within the batch is sent once), as `encodeTradeEvents` events. On failure, finds the record
 * of the first trade that was not published, so the processor can report it and what follows.
 * @internal
 */
export async function publishSymbol(
  publisher: Pick<EventsPublisher, 'publish'>,
  symbol: string,
  entries: readonly OriginTrade[],
  maxEventBytes: number,
  onPublishError: ((error: unknown, channel: string) => void) | undefined,
): Promise<PublishOutcome> {
  const channel = tradesChannel(symbol);
  const ordered = inSeqOrder(entries);
  let events: string[] = [];
  try {
    events = encodeTradeEvents(
      ordered.map(({ trade }) => trade),
      maxEventBytes,
    );
    await publisher.publish(channel, events);
    return { channel, published: events.length, failed: 0 };
  } catch (error) {
    onPublishError?.(error, channel);
    const known = error instanceof EventsPublishError && error.channel === channel;
    const unpublished = known ? error.eventIndexes : events.map((_, i) => i);
    const firstIndex = unpublished.length > 0 ? Math.min(...unpublished) : 0;
    // The first trade of the first unpublished event (the first trade when encoding failed).
    const firstSeq = parseTradeEvent(events[firstIndex] ?? '')?.[0]?.seq;
    const first = ordered.find(({ trade }) => trade.seq === firstSeq) ?? ordered[0];
    return {
      channel,
      published: events.length - unpublished.length,
      failed: unpublished.length,
      ...(first ? { firstUnpublishedOrigin: first.origin } : {}),
    };
  }
}

function inSeqOrder(entries: readonly OriginTrade[]): OriginTrade[] {
  const sorted = [...entries].sort((a, b) => a.trade.seq - b.trade.seq);
  return sorted.filter((entry, i) => i === 0 || entry.trade.seq !== sorted[i - 1]?.trade.seq);
}
