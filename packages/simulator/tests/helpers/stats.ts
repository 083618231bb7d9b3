/** Arithmetic mean. */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Population variance. */
export function variance(values: readonly number[]): number {
  const m = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - m) ** 2;
  return sum / values.length;
}

/** Autocovariance at `lag`. */
export function autocovariance(values: readonly number[], lag: number): number {
  const m = mean(values);
  let sum = 0;
  for (let i = lag; i < values.length; i++) sum += (values[i]! - m) * (values[i - lag]! - m);
  return sum / values.length;
}

/** Autocorrelation at `lag`. */
export function autocorrelation(values: readonly number[], lag: number): number {
  return autocovariance(values, lag) / autocovariance(values, 0);
}

/** Excess kurtosis (0 for a normal distribution). */
export function excessKurtosis(values: readonly number[]): number {
  const m = mean(values);
  let m2 = 0;
  let m4 = 0;
  for (const value of values) {
    const d = (value - m) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= values.length;
  m4 /= values.length;
  return m4 / (m2 * m2) - 3;
}

/** Pearson correlation of two equally long series. */
export function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Median. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Hill estimator of the tail index from the `k` largest values. */
export function hillTailIndex(values: readonly number[], k: number): number {
  const sorted = [...values].sort((a, b) => b - a);
  const threshold = Math.log(sorted[k]!);
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.log(sorted[i]!) - threshold;
  return k / sum;
}

/** Largest value (without spreading a large array onto the stack). */
export function max(values: readonly number[]): number {
  let result = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > result) result = value;
  return result;
}

/** Smallest value. */
export function min(values: readonly number[]): number {
  let result = Number.POSITIVE_INFINITY;
  for (const value of values) if (value < result) result = value;
  return result;
}
