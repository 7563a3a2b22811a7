/**
 * From decoded events to what the runs train on: labels, the seeded
 * stratified split (optionally on a quick-profile subsample), per-feature-set
 * matrices, training-split scalers, the page's event sample and the
 * per-feature histograms.
 */
import { fitScaler, applyScaler, type Scaler } from '../../core/scaler';
import { stratifiedSplit, stratifiedSubsample } from '../../core/split';
import { histogram } from '../../core/metrics';
import { createRng } from '../../core/rng';
import type { DatasetConfig, FeatureStats, RunConfig, SampleDescription } from '../../core/schema';
import type { EventData } from './data';

export interface Prepared {
  features: string[];
  /** Events kept (all, or the quick-profile subsample), per class. */
  used: { signal: number; background: number };
  split: { train: Uint32Array; val: Uint32Array; test: Uint32Array };
  labels: Float32Array;
  /** Row-major float64 over all kept events, all features (raw). */
  all: Float64Array;
  scalers: Record<string, Scaler & { features: string[] }>;
}

export const QUICK_FRACTION = 0.1;
export const QUICK_MAX_EPOCHS = 20;

/**
 * Epochs a run trains for under a profile. The quick profile caps mini-batch
 * runs at QUICK_MAX_EPOCHS. A full-batch run (or a batch at least as large as
 * the training split) takes one step per epoch: capping it at five steps would
 * leave it untrained for almost no saving, so it keeps all its epochs.
 */
export function profileEpochs(profile: 'quick' | 'full', run: Pick<RunConfig, 'epochs' | 'batchSize'>, trainEvents: number): number {
  if (profile === 'full') return run.epochs;
  const oneStepPerEpoch = run.batchSize === 'full' || run.batchSize >= trainEvents;
  return oneStepPerEpoch ? run.epochs : Math.min(run.epochs, QUICK_MAX_EPOCHS);
}
/** The quick profile keeps at least this many events (all of a smaller file): a tenth of a
 *  small instructor's file would leave a test split too small to hold both classes. */
export const QUICK_MIN_EVENTS = 2_000;

/** Fraction of a file's events that a profile trains on. */
export function profileEventFraction(profile: 'quick' | 'full', totalEvents: number): number {
  if (profile === 'full' || totalEvents <= 0) return 1;
  return Math.min(1, Math.max(QUICK_FRACTION, QUICK_MIN_EVENTS / totalEvents));
}

export function prepare(d: EventData, c: DatasetConfig, eventFraction: number): Prepared {
  const nf = d.features.length;
  const nAll = d.signal.count + d.background.count;
  const allLabels = new Float32Array(nAll);
  allLabels.fill(1, 0, d.signal.count);
  const keep = eventFraction < 1 ? stratifiedSubsample(allLabels, eventFraction, c.split.seed + 1) : null;
  const n = keep ? keep.length : nAll;
  const all = new Float64Array(n * nf);
  const labels = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const i = keep ? keep[k] : k;
    const isSig = i < d.signal.count;
    const cls = isSig ? d.signal : d.background;
    const j = isSig ? i : i - d.signal.count;
    for (let f = 0; f < nf; f++) all[k * nf + f] = cls.columns[d.features[f]][j];
    labels[k] = isSig ? 1 : 0;
  }
  const split = stratifiedSplit(labels, c.split.seed, c.split);
  const scalers: Prepared['scalers'] = {};
  for (const [name, fs] of Object.entries(c.featureSets)) {
    const x = select(all, nf, d.features, fs, split.train);
    scalers[name] = { features: fs, ...fitScaler(x, fs.length) };
  }
  let sig = 0;
  for (let k = 0; k < n; k++) sig += labels[k];
  return { features: d.features, used: { signal: sig, background: n - sig }, split, labels, all, scalers };
}

/** Rows `rows` and columns `cols` (by name) of a row-major matrix, as float64. */
export function select(all: Float64Array, nf: number, features: string[], cols: string[], rows: ArrayLike<number>): Float64Array {
  const idx = cols.map((c) => features.indexOf(c));
  const out = new Float64Array(rows.length * cols.length);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * nf;
    for (let j = 0; j < idx.length; j++) out[r * idx.length + j] = all[base + idx[j]];
  }
  return out;
}

export interface RunMatrices {
  nFeatures: number;
  xTrain: Float32Array; yTrain: Float32Array;
  xVal: Float32Array; yVal: Float32Array;
  xTest: Float32Array; yTest: Float32Array;
}

const sab = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
const toShared = (a: ArrayLike<number>) => { const o = sab(a.length); o.set(a); return o; };

/** The matrices of one feature set, raw or standardised with its training-split scaler, in shared memory for the workers. */
export function runMatrices(p: Prepared, featureSet: string, standardize: boolean): RunMatrices {
  const s = p.scalers[featureSet];
  const nf = s.features.length;
  const mk = (rows: Uint32Array) => {
    const raw = select(p.all, p.features.length, p.features, s.features, rows);
    const x = standardize ? applyScaler(s, raw, nf) : Float32Array.from(raw);
    return { x: toShared(x), y: toShared(Array.from(rows, (r) => p.labels[r])) };
  };
  const tr = mk(p.split.train), va = mk(p.split.val), te = mk(p.split.test);
  return { nFeatures: nf, xTrain: tr.x, yTrain: tr.y, xVal: va.x, yVal: va.y, xTest: te.x, yTest: te.y };
}

/** A stratified sample of raw test events for the page (event display, in-browser training). */
export function eventSample(p: Prepared, maxRows: number, seed: number): { bytes: Uint8Array; desc: Omit<SampleDescription, 'sha256'> } {
  const test = p.split.test;
  const testLabels = Float32Array.from(test, (i) => p.labels[i]);
  const pick = test.length <= maxRows ? Uint32Array.from(test.keys()) : stratifiedSubsample(testLabels, maxRows / test.length, seed);
  const nf = p.features.length;
  const cols = nf + 1;
  const out = new Float32Array(pick.length * cols);
  // Keep the classes interleaved in a seeded order, not signal-first.
  const order = createRng(seed).shuffle(Array.from(pick));
  order.forEach((k, r) => {
    const i = test[k];
    for (let f = 0; f < nf; f++) out[r * cols + f] = p.all[i * nf + f];
    out[r * cols + nf] = p.labels[i];
  });
  return {
    bytes: new Uint8Array(out.buffer),
    desc: {
      file: 'sample.bin', dtype: 'float32', byteOrder: 'little', rows: order.length, columns: [...p.features, 'label'],
      bytes: out.byteLength, from: 'test', stratified: true, seed, testRows: order,
    },
  };
}

/** Per-feature, per-class summary statistics and histograms over the kept events. */
export function featureStats(p: Prepared, bins = 40): FeatureStats[] {
  const nf = p.features.length;
  const n = p.labels.length;
  return p.features.map((name, f) => {
    const col = { 1: [] as number[], 0: [] as number[] };
    for (let i = 0; i < n; i++) col[p.labels[i] as 0 | 1].push(p.all[i * nf + f]);
    // Common edges for both classes so the page can overlay them; 0.5th-99.5th percentile
    // range so one extreme event does not squash the plot (outliers are counted as under/overflow).
    const both = [...col[0], ...col[1]].sort((a, b) => a - b);
    const q = (x: number) => both[Math.min(both.length - 1, Math.max(0, Math.round(x * (both.length - 1))))];
    const integer = both.every((v) => Number.isInteger(v));
    let lo = q(0.005), hi = q(0.995);
    let nb = bins;
    if (integer && hi - lo < 2 * bins) { lo -= 0.5; hi += 0.5; nb = Math.max(1, Math.round(hi - lo)); }
    if (!(hi > lo)) hi = lo + 1;
    const stats = (v: number[]) => {
      const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
      const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length));
      let min = Infinity, max = -Infinity;
      for (const x of v) { if (x < min) min = x; if (x > max) max = x; }
      return { mean, std, min, max, histogram: histogram(v, nb, lo, hi) };
    };
    return { name, signal: stats(col[1]), background: stats(col[0]) };
  });
}
