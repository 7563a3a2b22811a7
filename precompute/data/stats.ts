/** Per-column summary for `npm run data:inspect` and the precompute's checks. */
export interface ColumnStats {
  count: number;
  /** NaN and ±Inf values. */
  missing: number;
  min: number;
  mean: number;
  max: number;
}

/** min, mean and max over the finite values; `missing` counts NaN and ±Inf. */
export function columnStats(a: Float64Array): ColumnStats {
  let min = Infinity, max = -Infinity, sum = 0, n = 0, missing = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) { missing++; continue; }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return n === 0
    ? { count: a.length, missing, min: NaN, mean: NaN, max: NaN }
    : { count: a.length, missing, min, mean: sum / n, max };
}
