/**
 * Ordinary least squares as scikit-learn's LinearRegression computes it, and polynomial
 * least squares ("linear regression on x, x², x³, …": linear in the parameters).
 * Everything in float64; the numbers in the chapters are computed by these functions
 * at build time and the widgets call the same functions in the page.
 */
import { lstsq } from './linalg';
import { createRng } from './rng';

export interface LinearFit {
  /** One coefficient per input column. */
  coef: number[];
  intercept: number;
  /** Coefficient of determination on the data the fit was made on. */
  r2: number;
}

/** Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (scikit-learn's r2_score). */
export function r2Score(y: ArrayLike<number>, yHat: ArrayLike<number>): number {
  const n = y.length;
  if (n !== yHat.length) throw new Error(`r2Score: ${n} targets but ${yHat.length} predictions`);
  if (n < 2) throw new Error('r2Score needs at least two points');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (y[i] - yHat[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * Least-squares fit y ≈ Σ coef_j x_j + intercept. `columns` holds one array per input
 * (e.g. [flipper, billDepth]). Inputs are centred before the QR solve, so the intercept
 * does not fight with columns that sit far from zero (flipper lengths ≈ 200 mm).
 */
export function fitLinear(columns: ArrayLike<number>[], y: ArrayLike<number>): LinearFit {
  const n = y.length;
  const p = columns.length;
  if (p === 0) throw new Error('fitLinear needs at least one input column');
  columns.forEach((c, j) => { if (c.length !== n) throw new Error(`fitLinear: input ${j} has ${c.length} values, target has ${n}`); });
  if (n <= p) throw new Error(`fitLinear: ${n} points cannot determine ${p + 1} parameters`);
  const means = columns.map((c) => { let s = 0; for (let i = 0; i < n; i++) s += c[i]; return s / n; });
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i];
  yMean /= n;
  const A = Array.from({ length: n }, (_, i) => columns.map((c, j) => c[i] - means[j]));
  const yc = Array.from({ length: n }, (_, i) => y[i] - yMean);
  const coef = lstsq(A, yc);
  const intercept = yMean - coef.reduce((s, b, j) => s + b * means[j], 0);
  const fit: LinearFit = { coef, intercept, r2: 0 };
  fit.r2 = r2Score(y, predictLinear(fit, columns));
  return fit;
}

export function predictLinear(fit: Pick<LinearFit, 'coef' | 'intercept'>, columns: ArrayLike<number>[]): Float64Array {
  const n = columns[0]?.length ?? 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = fit.intercept;
    for (let j = 0; j < fit.coef.length; j++) s += fit.coef[j] * columns[j][i];
    out[i] = s;
  }
  return out;
}

export interface PolyFit {
  degree: number;
  /** Coefficients of 1, x, x², … in the original x (what numpy.polyfit / LinearRegression report). */
  coef: number[];
  /** The fit itself is done in t = (x − center) / halfWidth ∈ [−1, 1]; predictions use this form. */
  center: number;
  halfWidth: number;
  coefT: number[];
  r2: number;
}

/**
 * Polynomial least squares of the given degree. The design matrix is built in a rescaled
 * variable t ∈ [−1, 1] and solved by QR, then converted back to powers of x. Predictions use
 * the t-form, which stays accurate for degree 12 where the x-form would not.
 */
export function fitPolynomial(x: ArrayLike<number>, y: ArrayLike<number>, degree: number): PolyFit {
  if (!Number.isInteger(degree) || degree < 0) throw new Error(`fitPolynomial: degree must be a whole number ≥ 0 (got ${degree})`);
  const n = x.length;
  if (n !== y.length) throw new Error(`fitPolynomial: ${n} x values but ${y.length} y values`);
  if (n <= degree) throw new Error(`fitPolynomial: ${n} points cannot determine ${degree + 1} coefficients`);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) { lo = Math.min(lo, x[i]); hi = Math.max(hi, x[i]); }
  const center = (lo + hi) / 2;
  const halfWidth = (hi - lo) / 2 || 1;
  const A = Array.from({ length: n }, (_, i) => {
    const t = (x[i] - center) / halfWidth;
    const row = [1];
    for (let d = 1; d <= degree; d++) row.push(row[d - 1] * t);
    return row;
  });
  const coefT = lstsq(A, y);
  // Expand Σ c_k ((x − center)/h)^k into powers of x (binomial theorem).
  const coef = new Array<number>(degree + 1).fill(0);
  for (let k = 0; k <= degree; k++) {
    const ck = coefT[k] / halfWidth ** k;
    let binom = 1;
    for (let j = 0; j <= k; j++) {
      // term: C(k, j) x^j (−center)^(k−j)
      coef[j] += ck * binom * (-center) ** (k - j);
      binom = (binom * (k - j)) / (j + 1);
    }
  }
  const fit: PolyFit = { degree, coef, center, halfWidth, coefT, r2: 0 };
  fit.r2 = r2Score(y, predictPolynomial(fit, x));
  return fit;
}

export function predictPolynomial(fit: Pick<PolyFit, 'center' | 'halfWidth' | 'coefT'>, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const t = (x[i] - fit.center) / fit.halfWidth;
    let s = 0;
    for (let k = fit.coefT.length - 1; k >= 0; k--) s = s * t + fit.coefT[k];
    out[i] = s;
  }
  return out;
}

/** The course's noisy quartic (coefficients of 1, x, …, x⁴), sampled on an even grid. */
export const QUARTIC = [3, 0, -10, -3, 2] as const;

export interface ToyData { x: Float64Array; y: Float64Array }

/** n points of QUARTIC on [−2, 3] plus Gaussian noise of the given standard deviation (seeded). */
export function noisyQuartic(n: number, noise: number, seed: number): ToyData {
  const rng = createRng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = n === 1 ? 0 : -2 + (5 * i) / (n - 1);
    let s = 0;
    for (let k = QUARTIC.length - 1; k >= 0; k--) s = s * x[i] + QUARTIC[k];
    y[i] = s + noise * rng.normal();
  }
  return { x, y };
}

/** n points of x² + 0.5x + noise with x uniform in [−2, 2] (seeded), sorted by x. */
export function noisyParabola(n: number, noise: number, seed: number): ToyData {
  const rng = createRng(seed);
  const xs = Array.from({ length: n }, () => rng.uniform(-2, 2)).sort((a, b) => a - b);
  const x = Float64Array.from(xs);
  const y = x.map((v) => v * v + 0.5 * v + noise * rng.normal());
  return { x, y };
}

/** Seeded split of indices 0..n−1 into a training part (fraction) and a held-out part. */
export function splitIndices(n: number, trainFraction: number, seed: number): { train: number[]; test: number[] } {
  const idx = createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const nTrain = Math.max(1, Math.min(n - 1, Math.round(n * trainFraction)));
  return { train: idx.slice(0, nTrain).sort((a, b) => a - b), test: idx.slice(nTrain).sort((a, b) => a - b) };
}
