import type { Trade } from '@market-stream/core';
import { POST_DEFAULTS } from '../defaults.js';
import type { PostOptions } from './postOptions.js';
import { resolveSigning } from './resolveSigning.js';
import type { SignRequest } from './sendBatch.js';
import { type PostSummary, TradePoster } from './TradePoster.js';

/** Where the CLI's trades go with `--post`: a {@link TradePoster} and its summary. */
export interface PostOutput {
  /** Hands trades over; waits while the poster's queue is full (the simulation then waits). */
  write(trades: readonly Trade[]): Promise<void>;
  /** Posts what is left, writes the summary to stderr; 0 when every trade was accepted, else 1. */
  end(): Promise<number>;
}

/**
 * The `--post` output of `market-stream-simulate`, with `POST_DEFAULTS` and SigV4 when
 * {@link resolveSigning} finds credentials.
 *
 * @param options - The checked `--post` flags.
 * @param log - Writes one line to stderr.
 * @returns The output.
 */
export async function createPostOutput(
  options: PostOptions,
  log: (line: string) => void,
): Promise<PostOutput> {
  const sign = options.token
    ? bearer(options.token)
    : await resolveSigning(options, process.env, log);
  const auth = options.token ? 'bearer token' : sign ? 'SigV4' : 'unsigned';
  const poster = new TradePoster({
    ...POST_DEFAULTS,
    url: options.url,
    batchSize: options.batchSize,
    ...(sign ? { sign } : {}),
  });
  return {
    async write(trades) {
      for (const trade of trades) await poster.add(trade);
    },
    async end() {
      const summary = await poster.close();
      for (const line of describe(summary, options.url, auth)) log(line);
      return summary.accepted === summary.sent ? 0 : 1;
    },
  };
}

/** `Authorization: Bearer` for the local `/api/ingest` (`--ingest-token`) or a JWT authorizer. */
function bearer(token: string): SignRequest {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return async () => headers;
}

function describe(summary: PostSummary, url: URL, auth: string): string[] {
  const rejected = total(summary.rejected);
  const failed = total(summary.failed);
  const deadLettered = summary.deadLettered
    ? ` (${summary.deadLettered} dead-lettered by the endpoint)`
    : '';
  const lines = [
    `posted ${summary.sent} trades to ${url.href} (${auth}) in ${summary.batches} batches, ${summary.retries} retries: ` +
      `${summary.accepted} accepted${deadLettered}, ${rejected} rejected, ${failed} failed`,
  ];
  for (const [reason, count] of summary.rejected) lines.push(`  rejected ${count}: ${reason}`);
  for (const [reason, count] of summary.failed) lines.push(`  failed ${count}: ${reason}`);
  return lines;
}

function total(counts: Map<string, number>): number {
  let sum = 0;
  for (const count of counts.values()) sum += count;
  return sum;
}
