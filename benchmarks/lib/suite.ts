import { writeFileSync } from 'node:fs';

/** What a benchmark suite reports: a section of BENCHMARKS.md. */
export interface SuiteResult {
  /** Section heading. */
  title: string;
  /** Markdown body: how it was measured, a table of medians, ratios against the peers. */
  markdown: string;
}

/**
 * Runs a suite as the main function of its file and hands its section to `benchmarks/run.ts`
 * (through the file named by BENCH_OUT), or prints it when run by hand.
 */
export async function runSuite(suite: () => Promise<SuiteResult>): Promise<void> {
  try {
    const result = await suite();
    if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(result));
    else console.log(`## ${result.title}\n\n${result.markdown}`);
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
