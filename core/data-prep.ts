/**
 * Chapters 5-6 on the shipped event sample: how well each feature separates the
 * classes on its own, what a simple model learns when labels are shuffled apart
 * from their inputs, and what a scaler fitted on all events leaks. The same
 * functions give the numbers in the prose (at build time) and in the widgets.
 */
import { rocAuc } from './metrics';
import { fitBinaryLogistic, sigmoid } from './logistic';
import { createRng } from './rng';
import { applyScaler, fitScaler, type Scaler } from './scaler';
import { stratifiedSplit, type SplitFractions, DEFAULT_FRACTIONS } from './split';

export interface FeatureSeparation {
  name: string;
  /** ROC AUC of the raw feature used as a score (signal = 1). */
  auc: number;
  /** max(AUC, 1 − AUC): 0.5 = no separation, 1 = perfect, whichever side signal lies. */
  separation: number;
  /** True when signal tends to have the larger values (AUC > 0.5). */
  signalHigher: boolean;
}

export function featureSeparation(name: string, values: ArrayLike<number>, labels: ArrayLike<number>): FeatureSeparation {
  const auc = rocAuc(labels, values);
  return { name, auc, separation: Math.max(auc, 1 - auc), signalHigher: auc > 0.5 };
}

/** Every feature's separation, best first (ties by name, so the order is stable). */
export function rankFeatures(columns: Record<string, ArrayLike<number>>, labels: ArrayLike<number>, features: string[]): FeatureSeparation[] {
  return features
    .map((f) => {
      const col = columns[f];
      if (!col) throw new Error(`rankFeatures: no column "${f}"`);
      return featureSeparation(f, col, labels);
    })
    .sort((a, b) => b.separation - a.separation || a.name.localeCompare(b.name));
}

/** Row-major matrix of `features` for the rows `rows` (all rows when omitted). */
export function designMatrix(columns: Record<string, ArrayLike<number>>, features: string[], rows?: ArrayLike<number>): Float64Array {
  const n = rows ? rows.length : columns[features[0]].length;
  const out = new Float64Array(n * features.length);
  features.forEach((f, j) => {
    const col = columns[f];
    if (!col) throw new Error(`designMatrix: no column "${f}"`);
    for (let r = 0; r < n; r++) out[r * features.length + j] = col[rows ? rows[r] : r];
  });
  return out;
}

function toRows(x: ArrayLike<number>, nf: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < x.length; i += nf) rows.push(Array.from({ length: nf }, (_, j) => x[i + j]));
  return rows;
}

export interface ModelCheck {
  /** Accuracy at score 0.5 on the held-out events, with their true labels. */
  accuracy: number;
  auc: number;
  /** Lowest and highest predicted signal probability on the held-out events. */
  scoreRange: [number, number];
  /** Standard deviation of the predicted probabilities (near 0: the model says the same for every event). */
  scoreStd: number;
}

export interface ShuffleDemo {
  features: string[];
  sizes: { train: number; val: number; test: number };
  /** Accuracy of always answering the more common class on the held-out events. */
  majority: number;
  /** Inputs and labels shuffled together (row i keeps its own label). */
  together: ModelCheck;
  /** Labels shuffled on their own: every input gets a random event's label. */
  separately: ModelCheck;
  /** Fraction of training rows whose label is still their own after the separate shuffle. */
  labelsStillRight: number;
}

/**
 * Splits the events (stratified, seeded), standardises with the training split,
 * fits a logistic regression (L2, C = 1) on the training split twice, once with
 * the labels kept with their inputs and once with the labels shuffled on their
 * own, and scores both on the test split with the true labels.
 */
export function shuffleDemo(columns: Record<string, ArrayLike<number>>, labels: ArrayLike<number>, features: string[], seed: number, fractions: SplitFractions = DEFAULT_FRACTIONS): ShuffleDemo {
  if (!features.length) throw new Error('shuffleDemo: choose at least one feature');
  const split = stratifiedSplit(labels, seed, fractions);
  const nf = features.length;
  const scaler = fitScaler(designMatrix(columns, features, split.train), nf);
  const xTrain = toRows(applyScaler(scaler, designMatrix(columns, features, split.train)), nf);
  const xTest = toRows(applyScaler(scaler, designMatrix(columns, features, split.test)), nf);
  const yTrain = Array.from(split.train, (i) => labels[i]);
  const yTest = Array.from(split.test, (i) => labels[i]);
  const yShuffled = createRng(seed + 1).shuffle([...yTrain]);
  let same = 0;
  for (let i = 0; i < yTrain.length; i++) if (yShuffled[i] === yTrain[i]) same++;
  const check = (y: number[]): ModelCheck => {
    const m = fitBinaryLogistic(xTrain, y, { maxIter: 50, tol: 1e-8 });
    const scores = xTest.map((x) => sigmoid(m.intercept + x.reduce((s, v, j) => s + v * m.coef[j], 0)));
    let right = 0;
    scores.forEach((p, i) => { if ((p >= 0.5 ? 1 : 0) === yTest[i]) right++; });
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
    return { accuracy: right / yTest.length, auc: rocAuc(yTest, scores), scoreRange: [Math.min(...scores), Math.max(...scores)], scoreStd: std };
  };
  const sig = yTest.reduce((a, b) => a + b, 0);
  return {
    features: [...features],
    sizes: { train: split.train.length, val: split.val.length, test: split.test.length },
    majority: Math.max(sig, yTest.length - sig) / yTest.length,
    together: check(yTrain),
    separately: check(yShuffled),
    labelsStillRight: same / yTrain.length,
  };
}

export interface ScalerLeak {
  features: string[];
  sizes: { train: number; val: number; test: number };
  /** Fitted on the training split only (correct). */
  trainOnly: Scaler;
  /** Fitted on every event, test split included (leaks). */
  allEvents: Scaler;
  /** Per feature: (mean_all − mean_train) / scale_train, the shift the test events caused. */
  meanShift: number[];
  /** Per feature: scale_all / scale_train − 1. */
  scaleChange: number[];
  /** Mean of the standardised test split per feature, with each scaler. */
  testMean: { trainOnly: number[]; allEvents: number[] };
}

/** What a scaler fitted on all events instead of the training split takes from the test split. */
export function scalerLeak(columns: Record<string, ArrayLike<number>>, labels: ArrayLike<number>, features: string[], seed: number, fractions: SplitFractions = DEFAULT_FRACTIONS): ScalerLeak {
  const split = stratifiedSplit(labels, seed, fractions);
  const nf = features.length;
  const all = designMatrix(columns, features);
  const trainOnly = fitScaler(designMatrix(columns, features, split.train), nf);
  const allEvents = fitScaler(all, nf);
  const test = designMatrix(columns, features, split.test);
  const colMeans = (x: Float32Array) => {
    const m = new Array(nf).fill(0);
    for (let i = 0; i < x.length; i++) m[i % nf] += x[i];
    return m.map((v) => v / (x.length / nf));
  };
  return {
    features: [...features],
    sizes: { train: split.train.length, val: split.val.length, test: split.test.length },
    trainOnly,
    allEvents,
    meanShift: features.map((_, j) => (allEvents.mean[j] - trainOnly.mean[j]) / trainOnly.scale[j]),
    scaleChange: features.map((_, j) => allEvents.scale[j] / trainOnly.scale[j] - 1),
    testMean: { trainOnly: colMeans(applyScaler(trainOnly, test)), allEvents: colMeans(applyScaler(allEvents, test)) },
  };
}

/** Reads the reader's feature selection (a JSON list of names) and keeps the names the dataset has, in its order. */
export function parseFeatureSelection(stored: string | null, available: string[]): string[] | null {
  if (!stored) return null;
  try {
    const list = JSON.parse(stored);
    if (!Array.isArray(list)) return null;
    const chosen = new Set(list.filter((x) => typeof x === 'string'));
    const kept = available.filter((f) => chosen.has(f));
    return kept.length ? kept : null;
  } catch {
    return null;
  }
}

/** localStorage key of the reader's feature selection (chapter 5 writes it, chapters 6-7 read it). */
export const FEATURE_SELECTION_KEY = 'nn4hep-feature-selection';
