/**
 * The latency budget of one run: per trade the client received, how long each stage took, and
 * the p50/p99 of each stage and of the total over the trades of a measurement window.
 */
import { keyOf, type StageTimes } from './stageTaps.js';
import { percentile } from './stats.js';

/** The stages of the budget, in the order a trade passes them. */
export const BUDGET_STAGES = [
  'produce → put',
  'put → read',
  'read → flush',
  'flush → client',
  'total',
] as const;

/** One stage of the budget. */
export type BudgetStage = (typeof BUDGET_STAGES)[number];

/** p50 and p99 of one stage over one run, ms (`NaN` for a stage the path does not have). */
export interface StageQuantiles {
  p50: number;
  p99: number;
}

/** What one run measured. */
export interface BudgetRun {
  /** Trades received in the window with every stage seen. */
  trades: number;
  /** Trades received in the window with some stage unseen (should be 0). */
  incomplete: number;
  stages: Record<BudgetStage, StageQuantiles>;
}

/**
 * Splits each received trade produced in `[from, to)` into its stages and summarises them.
 * The produce time is the trade's own `timestamp` (the simulator's clock, integer ms, the time
 * the trade was due). Without a stream (`inMemory`), trades reach the fan-out as they are
 * produced: put and read have no stage, and read → flush counts from the produce time.
 *
 * @param times - First-seen times per trade and stage.
 * @param window - The produce-time window of the trades to count, epoch ms.
 * @param inMemory - Whether the run had no stream between producer and fan-out.
 * @returns Quantiles per stage, and how many trades they cover.
 */
export function budgetOf(
  times: StageTimes,
  window: { from: number; to: number },
  inMemory: boolean,
): BudgetRun {
  const samples: Record<BudgetStage, number[]> = {
    'produce → put': [],
    'put → read': [],
    'read → flush': [],
    'flush → client': [],
    total: [],
  };
  let incomplete = 0;
  for (const trade of times.received.values()) {
    if (trade.timestamp < window.from || trade.timestamp >= window.to) continue;
    const key = keyOf(trade);
    const produced = trade.timestamp;
    const put = inMemory ? produced : times.put.get(key);
    const read = inMemory ? produced : times.read.get(key);
    const flush = times.flush.get(key);
    const receipt = times.receipt.get(key);
    if (put === undefined || read === undefined || flush === undefined || receipt === undefined) {
      incomplete++;
      continue;
    }
    if (!inMemory) {
      samples['produce → put'].push(put - produced);
      samples['put → read'].push(read - put);
    }
    samples['read → flush'].push(flush - read);
    samples['flush → client'].push(receipt - flush);
    samples.total.push(receipt - produced);
  }
  const stages = Object.fromEntries(
    BUDGET_STAGES.map((stage) => [
      stage,
      { p50: percentile(samples[stage], 50), p99: percentile(samples[stage], 99) },
    ]),
  ) as Record<BudgetStage, StageQuantiles>;
  return { trades: samples.total.length, incomplete, stages };
}
