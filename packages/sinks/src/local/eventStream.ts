import { EventStreamCodec } from '@smithy/core/event-streams';

/** The AWS event-stream codec the SDK itself decodes with: messages framed and checksummed. */
const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => Buffer.from(text, 'utf8'),
);

const text = (value: string) => ({ type: 'string' as const, value });

/**
 * One event of a JSON event stream (`:message-type` event), e.g. a `SubscribeToShardEvent`.
 * @internal
 */
export function encodeEvent(eventType: string, body: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': text('event'),
      ':event-type': text(eventType),
      ':content-type': text('application/json'),
    },
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  });
}

/**
 * An exception that ends an event stream (`:message-type` exception), e.g.
 * `ResourceInUseException`.
 * @internal
 */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': text('exception'),
      ':exception-type': text(exceptionType),
      ':content-type': text('application/json'),
    },
    body: Buffer.from(JSON.stringify({ message }), 'utf8'),
  });
}
