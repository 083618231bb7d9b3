import type { Trade } from '@market-stream/core';
import { POST_DEFAULTS } from '../defaults.js';
import type { PostOptions } from './postOptions.js';
import { resolveSigning } from './resolveSigning.js';
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
  const sign = await resolveSigning(options, process.env, log);
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
      for (const line of describe(summary, options.url, Boolean(sign))) log(line);
      return summary.accepted === summary.sent ? 0 : 1;
    },
  };
}

function describe(summary: PostSummary, url: URL, signed: boolean): string[] {
  const rejected = total(summary.rejected);
  const failed = total(summary.failed);
  const deadLettered = summary.deadLettered
    ? ` (${summary.deadLettered} dead-lettered by the endpoint)`
    : '';
  const lines = [
    `posted ${summary.sent} trades to ${url.href} (${signed ? 'SigV4' : 'unsigned'}) in ${summary.batches} batches, ${summary.retries} retries: ` +
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
