/**
 * An upper estimate of the `q` quantile of per-bucket `counts` over `bounds` (an implicit `+Inf`
 * bucket last): the upper bound of the bucket that holds it, `Infinity` past the last bound,
 * `NaN` when there are no observations. Internal to the histograms and their merged views.
 */
export function quantileOf(
  bounds: readonly number[],
  counts: readonly number[],
  q: number,
): number {
  let total = 0;
  for (const count of counts) total += count;
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return i < bounds.length ? bounds[i]! : Number.POSITIVE_INFINITY;
  }
  return Number.POSITIVE_INFINITY;
}
