/**
 * Fast threshold scans for the chapter 8-9 widgets: the scores of each class are
 * sorted once, after which the confusion matrix at any threshold is two binary
 * searches (O(log n)) instead of a pass over the whole test split. Same
 * convention as core/metrics confusionAt: score >= threshold is called signal.
 *
 * Also: working points at a fixed signal efficiency (the particle-physics view
 * of a ROC curve), AUC as the fraction of correctly ordered (signal, background)
 * pairs estimated by sampling, and the ROC curve of two Gaussian score
 * distributions.
 */
import type { Confusion } from './metrics';
import type { Rng } from './rng';

/** Index of the first element >= t in an ascending array (a.length when none). */
export function lowerBound(a: ArrayLike<number>, t: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ThresholdSweeper {
  /** Signal scores, ascending. */
  readonly signal: Float64Array;
  /** Background scores, ascending. */
  readonly background: Float64Array;

  constructor(labels: ArrayLike<number>, scores: ArrayLike<number>) {
    if (labels.length !== scores.length) throw new Error(`labels and scores differ in length (${labels.length} vs ${scores.length})`);
    let nSig = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== 0 && labels[i] !== 1) throw new Error(`labels must be 0 or 1, found ${labels[i]} at index ${i}`);
      nSig += labels[i];
    }
    this.signal = new Float64Array(nSig);
    this.background = new Float64Array(labels.length - nSig);
    let s = 0, b = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === 1) this.signal[s++] = scores[i];
      else this.background[b++] = scores[i];
    }
    this.signal.sort();
    this.background.sort();
  }

  get size(): number {
    return this.signal.length + this.background.length;
  }

  /** Confusion matrix at threshold t (score >= t is called signal), in O(log n). */
  at(t: number): Confusion {
    const tp = this.signal.length - lowerBound(this.signal, t);
    const fp = this.background.length - lowerBound(this.background, t);
    return { tp, fn: this.signal.length - tp, fp, tn: this.background.length - fp };
  }

  /** (false positive rate, true positive rate) at threshold t. */
  rates(t: number): { fpr: number; tpr: number } {
    const c = this.at(t);
    return { fpr: c.fp / Math.max(1, this.background.length), tpr: c.tp / Math.max(1, this.signal.length) };
  }

  /**
   * The working point that keeps a fraction `efficiency` of the signal: the
   * highest threshold with at least that signal efficiency, the background
   * efficiency there and the rejection 1/ε_b (Infinity when no background passes).
   */
  workingPoint(efficiency: number): { threshold: number; signalEff: number; backgroundEff: number; rejection: number; backgroundPassing: number } {
    if (!(efficiency > 0 && efficiency <= 1)) throw new Error(`signal efficiency must be in (0, 1], got ${efficiency}`);
    const n = this.signal.length;
    if (n === 0) throw new Error('a working point needs signal events');
    const keep = Math.ceil(efficiency * n - 1e-9);
    const threshold = this.signal[n - keep];
    const c = this.at(threshold);
    const backgroundEff = c.fp / Math.max(1, this.background.length);
    return { threshold, signalEff: c.tp / n, backgroundEff, rejection: c.fp === 0 ? Infinity : 1 / backgroundEff, backgroundPassing: c.fp };
  }
}

/**
 * Draws `n` random (signal, background) pairs and counts those where the signal
 * event scores higher (ties count one half): an estimate of the AUC.
 */
export function samplePairs(
  sweeper: ThresholdSweeper, n: number, rng: Rng,
): { pairs: { s: number; b: number }[]; correct: number } {
  const S = sweeper.signal, B = sweeper.background;
  if (!S.length || !B.length) throw new Error('pairs need both signal and background events');
  const pairs: { s: number; b: number }[] = [];
  let correct = 0;
  for (let k = 0; k < n; k++) {
    const s = S[rng.int(S.length)], b = B[rng.int(B.length)];
    pairs.push({ s, b });
    correct += s > b ? 1 : s === b ? 0.5 : 0;
  }
  return { pairs, correct };
}

/** Error function (Abramowitz and Stegun 7.1.26); absolute error below 1.5e-7. */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return sign * y;
}

/** Standard normal cumulative distribution. */
export const normalCdf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));

/**
 * Scores distributed as N(0, 1) for background and N(d, 1) for signal: the ROC
 * curve at `points` thresholds and its exact AUC, Φ(d/√2).
 */
export function gaussianRoc(d: number, points = 121): { fpr: number[]; tpr: number[]; thresholds: number[]; auc: number } {
  const lo = Math.min(0, d) - 5, hi = Math.max(0, d) + 5;
  const fpr: number[] = [], tpr: number[] = [], thresholds: number[] = [];
  for (let i = 0; i < points; i++) {
    const t = hi - ((hi - lo) * i) / (points - 1);
    thresholds.push(t);
    fpr.push(1 - normalCdf(t));
    tpr.push(1 - normalCdf(t - d));
  }
  return { fpr, tpr, thresholds, auc: normalCdf(d / Math.SQRT2) };
}
