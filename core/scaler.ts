/**
 * Standardisation with statistics of the training split only (anything else
 * leaks information from the test set into the model). Matches scikit-learn's
 * StandardScaler: population standard deviation (ddof = 0), and a constant
 * column gets scale 1 so it maps to 0 instead of NaN.
 */
export interface Scaler {
  mean: number[];
  scale: number[];
}

/** Fits on a row-major matrix with nFeatures columns. */
export function fitScaler(x: ArrayLike<number>, nFeatures: number): Scaler {
  const n = x.length / nFeatures;
  if (!Number.isInteger(n) || n < 1) throw new Error(`fitScaler: ${x.length} values do not form rows of ${nFeatures} features`);
  const mean = new Float64Array(nFeatures);
  for (let i = 0; i < n; i++) for (let f = 0; f < nFeatures; f++) mean[f] += x[i * nFeatures + f];
  for (let f = 0; f < nFeatures; f++) mean[f] /= n;
  // Two passes (mean, then squared deviations) to avoid cancellation on large offsets.
  const varSum = new Float64Array(nFeatures);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < nFeatures; f++) {
      const d = x[i * nFeatures + f] - mean[f];
      varSum[f] += d * d;
    }
  }
  const scale: number[] = [];
  for (let f = 0; f < nFeatures; f++) {
    const sd = Math.sqrt(varSum[f] / n);
    // scikit-learn treats a standard deviation at round-off level as zero.
    scale.push(sd < 10 * Number.EPSILON * Math.max(1, Math.abs(mean[f])) ? 1 : sd);
  }
  return { mean: Array.from(mean), scale };
}

/** Returns a new row-major Float32Array (x - mean) / scale. */
export function applyScaler(s: Scaler, x: ArrayLike<number>, nFeatures = s.mean.length): Float32Array {
  if (nFeatures !== s.mean.length) throw new Error(`applyScaler: scaler has ${s.mean.length} features, data has ${nFeatures}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += nFeatures) {
    for (let f = 0; f < nFeatures; f++) out[i + f] = (x[i + f] - s.mean[f]) / s.scale[f];
  }
  return out;
}

/** A scaler that changes nothing (the course's first, unstandardised pass). */
export function identityScaler(nFeatures: number): Scaler {
  return { mean: new Array(nFeatures).fill(0), scale: new Array(nFeatures).fill(1) };
}
