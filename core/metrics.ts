/**
 * Classification metrics for a binary classifier (signal = 1, background = 0).
 *
 * The same functions produce the numbers the precompute ships, the numbers the
 * widgets recompute in the page, and the numbers the tests compare against
 * scikit-learn, so none of them can drift apart. Conventions follow
 * scikit-learn: zero-division gives 0, ROC thresholds are the distinct scores
 * in decreasing order preceded by +Infinity, AUC is undefined for one class.
 */

export type Labels = ArrayLike<number>;
export type Scores = ArrayLike<number>;

export interface Confusion {
  tn: number;
  fp: number;
  fn: number;
  tp: number;
}

/** Confusion matrix at a threshold: score >= threshold is called signal. */
export function confusionAt(yTrue: Labels, scores: Scores, threshold = 0.5): Confusion {
  checkSameLength(yTrue, scores);
  let tn = 0, fp = 0, fn = 0, tp = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const pred = scores[i] >= threshold;
    if (yTrue[i] === 1) pred ? tp++ : fn++;
    else pred ? fp++ : tn++;
  }
  return { tn, fp, fn, tp };
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  threshold: number;
  confusion: Confusion;
  accuracy: number;
  /** The signal class alone (scikit-learn average='binary'). */
  signal: ClassScores;
  background: ClassScores;
  /** Per-class scores averaged with the class supports as weights (what the course prints). */
  weighted: Omit<ClassScores, 'support'>;
  /** Unweighted mean over the two classes. */
  macro: Omit<ClassScores, 'support'>;
}

const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function classScores(tp: number, fp: number, fn: number): ClassScores {
  const precision = safeDiv(tp, tp + fp);
  const recall = safeDiv(tp, tp + fn);
  // scikit-learn computes F1 from counts, so zero-division also gives 0 here.
  const f1 = safeDiv(2 * tp, 2 * tp + fp + fn);
  return { precision, recall, f1, support: tp + fn };
}

export function confusionReport(c: Confusion, threshold = 0.5): ClassificationReport {
  const n = c.tn + c.fp + c.fn + c.tp;
  const signal = classScores(c.tp, c.fp, c.fn);
  // For the background class the roles of the counts swap.
  const background = classScores(c.tn, c.fn, c.fp);
  const avg = (w0: number, w1: number) => ({
    precision: w0 * background.precision + w1 * signal.precision,
    recall: w0 * background.recall + w1 * signal.recall,
    f1: w0 * background.f1 + w1 * signal.f1,
  });
  return {
    threshold,
    confusion: c,
    accuracy: safeDiv(c.tp + c.tn, n),
    signal,
    background,
    weighted: avg(safeDiv(background.support, n), safeDiv(signal.support, n)),
    macro: avg(0.5, 0.5),
  };
}

export function classificationReport(yTrue: Labels, scores: Scores, threshold = 0.5): ClassificationReport {
  return confusionReport(confusionAt(yTrue, scores, threshold), threshold);
}

export function accuracy(yTrue: Labels, scores: Scores, threshold = 0.5): number {
  return classificationReport(yTrue, scores, threshold).accuracy;
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** thresholds[0] is +Infinity (nothing selected); the rest are the distinct scores, decreasing. */
  thresholds: number[];
}

function classCounts(yTrue: Labels): { pos: number; neg: number } {
  let pos = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (y !== 0 && y !== 1) throw new Error(`labels must be 0 or 1, found ${y} at index ${i}`);
    if (y === 1) pos++;
  }
  return { pos, neg: yTrue.length - pos };
}

function requireBothClasses(pos: number, neg: number, what: string): void {
  if (pos === 0 || neg === 0) {
    throw new Error(
      `${what} is not defined when only one class is present (${pos} signal, ${neg} background events); ` +
        'evaluate on a sample that contains both classes.',
    );
  }
}

function orderByScoreDesc(scores: Scores): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const s = Array.from(scores);
  order.sort((a, b) => s[b] - s[a]);
  return order;
}

/** ROC curve with one point per distinct threshold (scikit-learn roc_curve, drop_intermediate=False). */
export function rocCurve(yTrue: Labels, scores: Scores): RocCurve {
  checkSameLength(yTrue, scores);
  const { pos, neg } = classCounts(yTrue);
  requireBothClasses(pos, neg, 'A ROC curve');
  const order = orderByScoreDesc(scores);
  const fpr = [0], tpr = [0], thresholds = [Infinity];
  let tp = 0, fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (yTrue[i] === 1) tp++;
    else fp++;
    // Emit a point only after the last event sharing this score.
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[i]) {
      fpr.push(fp / neg);
      tpr.push(tp / pos);
      thresholds.push(scores[i]);
    }
  }
  return { fpr, tpr, thresholds };
}

/**
 * Drops points that lie on a straight segment between their neighbours
 * (scikit-learn's drop_intermediate): the curve and its area are unchanged.
 */
export function dropCollinear(roc: RocCurve): RocCurve {
  const n = roc.fpr.length;
  if (n <= 2) return { fpr: [...roc.fpr], tpr: [...roc.tpr], thresholds: [...roc.thresholds] };
  // As scikit-learn: the (0,0) point is added after dropping, so the first real threshold always stays.
  const keep: number[] = [0, 1];
  for (let i = 2; i < n - 1; i++) {
    const d2f = roc.fpr[i + 1] - 2 * roc.fpr[i] + roc.fpr[i - 1];
    const d2t = roc.tpr[i + 1] - 2 * roc.tpr[i] + roc.tpr[i - 1];
    // Rates are exact multiples of 1/N, so compare with a tolerance far below 1/N.
    if (Math.abs(d2f) > 1e-12 || Math.abs(d2t) > 1e-12) keep.push(i);
  }
  keep.push(n - 1);
  return {
    fpr: keep.map((i) => roc.fpr[i]),
    tpr: keep.map((i) => roc.tpr[i]),
    thresholds: keep.map((i) => roc.thresholds[i]),
  };
}

/**
 * Thins a ROC curve to at most maxPoints for shipping to the page. Collinear
 * points go first (lossless); then points are kept at equal steps of path
 * length along the curve, so steep and flat parts are both represented. The
 * first point (0,0) and the last point (1,1) are always kept exactly.
 */
export function downsampleRoc(roc: RocCurve, maxPoints = 200): RocCurve {
  if (maxPoints < 2) throw new Error('downsampleRoc needs maxPoints >= 2 to keep both end points');
  const r = dropCollinear(roc);
  const n = r.fpr.length;
  if (n <= maxPoints) return r;
  const cum = new Float64Array(n);
  for (let i = 1; i < n; i++) cum[i] = cum[i - 1] + Math.hypot(r.fpr[i] - r.fpr[i - 1], r.tpr[i] - r.tpr[i - 1]);
  const total = cum[n - 1];
  const keep = [0];
  let j = 1;
  for (let k = 1; k < maxPoints - 1; k++) {
    const target = (total * k) / (maxPoints - 1);
    while (j < n - 1 && cum[j] < target) j++;
    if (j < n - 1 && j !== keep[keep.length - 1]) keep.push(j);
  }
  keep.push(n - 1);
  return {
    fpr: keep.map((i) => r.fpr[i]),
    tpr: keep.map((i) => r.tpr[i]),
    thresholds: keep.map((i) => r.thresholds[i]),
  };
}

/**
 * Area under the ROC curve by the rank statistic (Mann-Whitney U): the
 * probability that a random signal event scores above a random background
 * event, with ties counted as one half.
 */
export function rocAuc(yTrue: Labels, scores: Scores): number {
  checkSameLength(yTrue, scores);
  const { pos, neg } = classCounts(yTrue);
  requireBothClasses(pos, neg, 'ROC AUC');
  const order = orderByScoreDesc(scores);
  // Walk from the highest score down; within a block of tied scores every
  // (signal, background) pair counts one half.
  let bgAbove = 0;
  let u = 0;
  let k = 0;
  while (k < order.length) {
    let sig = 0, bg = 0;
    const s = scores[order[k]];
    while (k < order.length && scores[order[k]] === s) {
      if (yTrue[order[k]] === 1) sig++;
      else bg++;
      k++;
    }
    // Signal events in this block beat every background event below them.
    u += sig * (neg - bgAbove - bg) + 0.5 * sig * bg;
    bgAbove += bg;
  }
  return u / (pos * neg);
}

/** Trapezoid area under a ROC curve given as points (for checks against rocAuc). */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return a;
}

export interface Histogram {
  /** bins + 1 edges, increasing. */
  edges: number[];
  counts: number[];
  /** Values outside [edges[0], edges[last]] (none are dropped silently). */
  underflow: number;
  overflow: number;
}

/**
 * Fixed-width histogram. The last bin includes its upper edge (as numpy
 * does), so scores of exactly 1 land in the last bin of a [0, 1] histogram.
 */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): Histogram {
  if (!(bins >= 1) || !(hi > lo)) throw new Error(`histogram needs bins >= 1 and hi > lo (got ${bins}, [${lo}, ${hi}])`);
  const counts = new Array<number>(bins).fill(0);
  let underflow = 0, overflow = 0;
  const w = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo)) { underflow++; continue; }
    if (v > hi) { overflow++; continue; }
    counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  return { edges, counts, underflow, overflow };
}

export interface ScoreHistograms {
  signal: Histogram;
  background: Histogram;
}

/** Score distributions for true signal and true background on [0, 1]. */
export function scoreHistograms(yTrue: Labels, scores: Scores, bins = 50): ScoreHistograms {
  checkSameLength(yTrue, scores);
  const sig: number[] = [], bg: number[] = [];
  for (let i = 0; i < yTrue.length; i++) (yTrue[i] === 1 ? sig : bg).push(scores[i]);
  return { signal: histogram(sig, bins, 0, 1), background: histogram(bg, bins, 0, 1) };
}

export interface FeatureImportance {
  feature: string;
  /** Mean drop of the score when this feature's column is shuffled. */
  mean: number;
  std: number;
  drops: number[];
}

/**
 * Permutation importance (as scikit-learn's permutation_importance): shuffle one
 * feature's column of a row-major matrix with a seeded generator, score again,
 * and report the drop from the baseline. `score` may be async (a model on a
 * GPU); `shuffle` comes from core/rng so results are reproducible.
 */
export async function permutationImportance(opts: {
  x: Float32Array;
  nFeatures: number;
  features: string[];
  score: (x: Float32Array) => number | Promise<number>;
  repeats: number;
  shuffle: (idx: Uint32Array) => void;
}): Promise<{ baseline: number; importances: FeatureImportance[] }> {
  const { x, nFeatures, features, score, repeats, shuffle } = opts;
  if (features.length !== nFeatures) throw new Error(`permutationImportance: ${features.length} names for ${nFeatures} features`);
  const n = x.length / nFeatures;
  const baseline = await score(x);
  const work = new Float32Array(x);
  const idx = new Uint32Array(n);
  const importances: FeatureImportance[] = [];
  for (let f = 0; f < nFeatures; f++) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < n; i++) idx[i] = i;
      shuffle(idx);
      for (let i = 0; i < n; i++) work[i * nFeatures + f] = x[idx[i] * nFeatures + f];
      drops.push(baseline - (await score(work)));
    }
    for (let i = 0; i < n; i++) work[i * nFeatures + f] = x[i * nFeatures + f];
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / repeats);
    importances.push({ feature: features[f], mean, std, drops });
  }
  return { baseline, importances };
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new Error(`labels and scores differ in length (${a.length} vs ${b.length})`);
}
