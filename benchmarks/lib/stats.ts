/** Median of a list of numbers (NaN when empty). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (0–100) by nearest rank on a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Runs `measure` `runs` times (after `warmup` discarded runs) and returns every result. */
export async function repeat<T>(
  runs: number,
  measure: () => Promise<T> | T,
  { warmup = 1 }: { warmup?: number } = {},
): Promise<T[]> {
  for (let i = 0; i < warmup; i++) await measure();
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await measure());
  return results;
}

/** `1,234,567` style integer formatting. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** A ratio `ours / theirs` as `12.3×`. */
export function ratio(ours: number, theirs: number, digits = 1): string {
  if (!(theirs > 0) || !Number.isFinite(ours)) return 'n/a';
  return `${(ours / theirs).toFixed(digits)}×`;
}

/** A markdown table from a header row and data rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
