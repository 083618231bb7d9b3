import { randomUUID } from 'node:crypto';
import type { AppSyncEventsError, AppSyncPublishResponse } from '@market-stream/core';
import { readChannelPath } from './channelPaths.js';

/** What a publish is checked against. */
export interface PublishRules {
  namespaces: ReadonlySet<string>;
  maxEventsPerPublish: number;
  maxEventBytes: number;
}

/**
 * The answer to one publish, over HTTP or WebSocket: refused as a whole (`status`, the error),
 * or answered per event (the response, and the events accepted, in order, for delivery).
 */
export type PublishOutcome =
  | { ok: false; status: number; error: AppSyncEventsError }
  | { ok: true; channel: string; accepted: string[]; response: AppSyncPublishResponse };

/**
 * Checks one publish the way AppSync Events answers it, shared by the HTTP endpoint and the
 * WebSocket `publish` message. Refused as a whole (400 BadRequestException): a body without a
 * channel or an events array, no events or more than `maxEventsPerPublish`, an invalid or
 * wildcard channel, a namespace not configured. Refused per event in `failed` (errorCode 400):
 * an event that is not a string, not valid JSON, or over `maxEventBytes` in UTF-8; the other
 * events of the request are published.
 */
export function checkPublish(body: unknown, rules: PublishRules): PublishOutcome {
  const request =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { channel, events } = request;
  if (typeof channel !== 'string' || !Array.isArray(events)) {
    return badRequest('a publish needs "channel" (a string) and "events" (an array of strings)');
  }
  if (events.length === 0 || events.length > rules.maxEventsPerPublish) {
    return badRequest(
      `a publish carries 1 to ${rules.maxEventsPerPublish} events, not ${events.length}`,
    );
  }
  const path = readChannelPath(channel, false);
  if (!path.ok) return badRequest(path.reason);
  const namespace = path.segments[0] ?? '';
  if (!rules.namespaces.has(namespace)) return badRequest(`namespace not found: ${namespace}`);

  const accepted: string[] = [];
  const response: AppSyncPublishResponse = { successful: [], failed: [] };
  events.forEach((event: unknown, index) => {
    const identifier = randomUUID();
    const reason = eventProblem(event, rules.maxEventBytes);
    if (reason === undefined) {
      accepted.push(event as string);
      response.successful.push({ identifier, index });
    } else {
      response.failed.push({ identifier, index, errorCode: 400, errorMessage: reason });
    }
  });
  return { ok: true, channel: path.path, accepted, response };
}

function eventProblem(event: unknown, maxEventBytes: number): string | undefined {
  if (typeof event !== 'string') return 'an event must be a stringified JSON value';
  const bytes = Buffer.byteLength(event, 'utf8');
  if (bytes > maxEventBytes) {
    return `event of ${bytes} bytes exceeds the maximum event size of ${maxEventBytes} bytes`;
  }
  try {
    JSON.parse(event);
  } catch {
    return 'an event must be a stringified JSON value';
  }
  return undefined;
}

function badRequest(message: string): PublishOutcome {
  return { ok: false, status: 400, error: { errorType: 'BadRequestException', message } };
}
