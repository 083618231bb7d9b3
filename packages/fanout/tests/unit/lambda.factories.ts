import type { Trade } from '@market-stream/core';
import type { KinesisEventLike, WebSocketEvent } from '../../src/lambda.js';

let sequence = 0;

/**
 * A Lambda Kinesis event whose records each carry one JSON trade (base64, as Lambda delivers
 * it). `raw` adds records with arbitrary text, e.g. to model a poison record.
 */
export function kinesisEventFactory(
  trades: readonly Trade[],
  { raw = [] }: { raw?: string[] } = {},
): KinesisEventLike {
  const record = (text: string, partitionKey: string) => {
    sequence++;
    const sequenceNumber = String(49_000_000_000_000 + sequence);
    return {
      eventID: `shardId-000000000000:${sequenceNumber}`,
      kinesis: {
        data: Buffer.from(text, 'utf8').toString('base64'),
        partitionKey,
        sequenceNumber,
      },
    };
  };
  return {
    Records: [
      ...trades.map((trade) => record(JSON.stringify(trade), trade.symbol)),
      ...raw.map((text) => record(text, 'raw')),
    ],
  };
}

/** An API Gateway WebSocket event for `routeKey` on connection `connectionId`. */
export function webSocketEventFactory(
  overrides: {
    routeKey?: string;
    connectionId?: string;
    body?: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): WebSocketEvent {
  const routeKey = overrides.routeKey ?? '$default';
  const eventType =
    routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE';
  const event: WebSocketEvent = {
    requestContext: {
      routeKey,
      eventType,
      connectionId: overrides.connectionId ?? 'L0SM9cOFvHcCIhw=',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      stage: 'prod',
      apiId: 'abc123',
      requestId: `req-${++sequence}`,
      connectedAt: 1_700_000_000_000,
      requestTimeEpoch: 1_700_000_000_000,
      messageDirection: 'IN',
    },
    isBase64Encoded: false,
  };
  if (overrides.body !== undefined) event.body = overrides.body;
  if (overrides.query) event.queryStringParameters = overrides.query;
  if (overrides.headers) event.headers = overrides.headers;
  return event;
}
