/**
 * The precomputed-assets schema: what `npm run precompute` writes to
 * public/precomputed/<dataset-id>/ and what the widgets read. Bump
 * SCHEMA_VERSION on any incompatible change; the widgets refuse other
 * versions with a message that says how to rebuild.
 *
 * Layout of public/precomputed/<dataset-id>/:
 *   manifest.json                 Manifest
 *   features.json                 FeaturesFile
 *   sample.bin                    described by Manifest.sample
 *   runs/<run-id>/model.json      TF.js layers model (tf.loadLayersModel)
 *   runs/<run-id>/weights.bin
 *   runs/<run-id>/metrics.json    RunMetrics
 *   runs/<run-id>/test-scores.bin described by RunMetrics.testScores
 */
import type { ModelSpec } from './model';
import type { OptimizerSpec } from './optim';
import type { EpochLog, LrSchedule, EarlyStopping, TrainStatus } from './train';
import type { Histogram, ClassificationReport, FeatureImportance } from './metrics';
import type { Scaler } from './scaler';

export const SCHEMA_VERSION = 1;

export type Profile = 'quick' | 'full';

/** One experiment of content/datasets/<id>.json. */
export interface RunConfig {
  /** Directory name under runs/ (letters, digits, '-', '_'). */
  id: string;
  title: string;
  /** Key into DatasetConfig.featureSets. */
  featureSet: string;
  standardize: boolean;
  model: ModelSpec;
  optimizer: OptimizerSpec;
  epochs: number;
  batchSize: number | 'full';
  lrSchedule?: LrSchedule;
  earlyStopping?: EarlyStopping;
  /** Compute permutation importance on the test split for this run. */
  permutationImportance?: boolean;
  /** Seed for initialisation, shuffling and dropout (defaults to the dataset's split seed + run index). */
  seed?: number;
}

/** content/datasets/<id>.json */
export interface DatasetConfig {
  id: string;
  title: string;
  /** HDF5 file, relative to the repository root. */
  source: string;
  /** Names of the two compound datasets in the file. */
  classes: { signal: string; background: string };
  featureSets: Record<string, string[]>;
  split: { train: number; val: number; test: number; seed: number };
  runs: RunConfig[];
  /**
   * Present for a simulated dataset: the settings of `npm run data:generate` that write
   * `source`. The build regenerates the file when it is missing or was made otherwise.
   */
  generator?: { events?: number; seed?: number; signalFraction?: number; minJets?: number; htAll?: 'jets+leptons' | 'jets'; angles?: 'opening' | 'dphi'; spinCorrelation?: boolean };
}

export interface ScalerAsset extends Scaler {
  features: string[];
}

export interface SampleDescription {
  file: 'sample.bin';
  /** Row-major float32, little-endian: one row per event, `columns` values per row. */
  dtype: 'float32';
  byteOrder: 'little';
  rows: number;
  /** All features of the dataset, then 'label' (1 signal, 0 background). Raw, not standardised. */
  columns: string[];
  bytes: number;
  sha256: string;
  /** Which split the events come from and how they were chosen. */
  from: 'test';
  stratified: true;
  seed: number;
  /**
   * Row r of sample.bin is event testRows[r] of the test split, i.e. the position of its
   * score and label in every run's test-scores.bin (the page checks loaded models against them).
   */
  testRows: number[];
}

export interface BackendInfo {
  /** What the user asked for. */
  requested: string;
  /** The TF.js backend that actually ran, checked after tf.ready() and one operation. */
  name: 'tensorflow' | 'wasm' | 'cpu' | 'webgpu' | string;
  /** Human description of the hardware, e.g. "CPU (WebAssembly, SIMD) — AMD EPYC …". */
  device: string;
}

export interface RunSummary {
  id: string;
  title: string;
  featureSet: string;
  status: TrainStatus;
  message: string;
  /** SHA-256 of the decoded data + run config + schema version + profile. */
  cacheKey: string;
  /** True when this run's files were reused from an earlier precompute. */
  cached: boolean;
  epochsRun: number;
  bestEpoch: number;
  testAccuracy: number | null;
  testAuc: number | null;
  trainSeconds: number;
  samplesPerSecond: number;
  backend: BackendInfo;
}

export interface Manifest {
  schemaVersion: typeof SCHEMA_VERSION;
  datasetId: string;
  title: string;
  profile: Profile;
  /** Quick profile: fraction of events used and the epoch cap of mini-batch runs (full-batch runs keep all their epochs). */
  profileSettings: { eventFraction: number; maxEpochs: number | null };
  source: { file: string; sha256: string; dataSha256: string; classes: { signal: string; background: string } };
  /** Events read from the file, per class (before any quick-profile subsampling). */
  classCounts: { signal: number; background: number };
  features: string[];
  featureSets: Record<string, string[]>;
  split: { seed: number; fractions: { train: number; val: number; test: number }; sizes: { train: number; val: number; test: number }; stratified: true };
  /** Training-split statistics per feature set (used when a run standardises). */
  scalers: Record<string, ScalerAsset>;
  sample: SampleDescription;
  backend: BackendInfo;
  libraries: Record<string, string>;
  runs: RunSummary[];
  timings: { startedAt: string; finishedAt: string; seconds: number };
  /**
   * Present only in the output of `npm run precompute -- --shard i/n`: which share of the
   * runs this directory holds. `npm run precompute -- merge` combines the shards into the
   * published directory, whose manifest has no shard field.
   */
  shard?: { index: number; count: number; runs: string[] };
}

export interface FeatureStats {
  name: string;
  /** Over all events (after quick-profile subsampling), per class. */
  signal: { mean: number; std: number; min: number; max: number; histogram: Histogram };
  background: { mean: number; std: number; min: number; max: number; histogram: Histogram };
}

export interface FeaturesFile {
  schemaVersion: typeof SCHEMA_VERSION;
  datasetId: string;
  features: FeatureStats[];
}

/** ROC as shipped: thresholds[0] is null, standing for +Infinity (no event selected). */
export interface RocAsset {
  fpr: number[];
  tpr: number[];
  thresholds: (number | null)[];
  /** Distinct thresholds before downsampling. */
  fullPoints: number;
}

export interface RunMetrics {
  schemaVersion: typeof SCHEMA_VERSION;
  runId: string;
  config: RunConfig;
  /** Effective training settings after the profile (quick caps epochs). */
  effective: { epochs: number; batchSize: number; trainEvents: number; valEvents: number; testEvents: number };
  status: TrainStatus;
  message: string;
  history: EpochLog[];
  bestEpoch: number;
  test: ClassificationReport;
  auc: number;
  roc: RocAsset;
  scoreHistograms: {
    train: { signal: Histogram; background: Histogram };
    test: { signal: Histogram; background: Histogram };
  };
  permutationImportance: null | { metric: 'accuracy'; repeats: number; baseline: number; importances: FeatureImportance[] };
  testScores: {
    file: 'test-scores.bin';
    /** Little-endian float32: `count` scores, then `count` labels (1 signal, 0 background). */
    dtype: 'float32';
    count: number;
    layout: 'scores-then-labels';
  };
  trainSeconds: number;
  samplesPerSecond: number;
  backend: BackendInfo;
  cacheKey: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function versionError(what: string, v: unknown): string | null {
  if (v === SCHEMA_VERSION) return null;
  if (typeof v !== 'number') return `${what} has no schemaVersion: it was not written by npm run precompute. Run \`npm run precompute\` to rebuild it.`;
  return (
    `${what} uses schema version ${v}, but this book reads version ${SCHEMA_VERSION}. ` +
    'Run `npm run precompute -- --force` to rebuild the precomputed assets with this version of the book.'
  );
}

/** Checks a parsed manifest.json; the message says what is wrong and how to fix it. */
export function validateManifest(x: unknown, where = 'manifest.json'): Validation<Manifest> {
  if (!isObj(x)) return { ok: false, error: `${where} is not a JSON object` };
  const v = versionError(where, x.schemaVersion);
  if (v) return { ok: false, error: v };
  const problems: string[] = [];
  const need = (cond: boolean, msg: string) => { if (!cond) problems.push(msg); };
  need(typeof x.datasetId === 'string' && x.datasetId.length > 0, 'datasetId must be a non-empty string');
  need(x.profile === 'quick' || x.profile === 'full', 'profile must be "quick" or "full"');
  need(Array.isArray(x.features) && x.features.every((f) => typeof f === 'string'), 'features must be a list of names');
  need(isObj(x.featureSets), 'featureSets must be an object');
  need(isObj(x.split) && isObj((x.split as any).sizes), 'split.sizes is missing');
  need(isObj(x.scalers), 'scalers is missing');
  need(isObj(x.backend) && typeof (x.backend as any).name === 'string', 'backend.name is missing');
  const s = x.sample as any; // checked field by field below
  need(isObj(s) && s.file === 'sample.bin' && Number.isInteger(s.rows) && Array.isArray(s.columns) && s.bytes === (s.rows as number) * s.columns.length * 4,
    'sample must describe sample.bin (rows × columns × 4 bytes)');
  need(isObj(s) && Array.isArray(s.testRows) && s.testRows.length === s.rows && s.testRows.every((i: unknown) => Number.isInteger(i) && (i as number) >= 0),
    'sample.testRows must give the test-split position of every sample row');
  need(Array.isArray(x.runs), 'runs must be a list');
  if (Array.isArray(x.runs)) {
    (x.runs as unknown[]).forEach((r, i) => {
      need(isObj(r) && typeof r.id === 'string' && /^[A-Za-z0-9_-]+$/.test(r.id as string), `runs[${i}].id must be letters, digits, '-' or '_'`);
      need(isObj(r) && typeof r.cacheKey === 'string', `runs[${i}].cacheKey is missing`);
    });
  }
  if (problems.length) return { ok: false, error: `${where} is not a valid precompute manifest: ${problems.join('; ')}. Run \`npm run precompute -- --force\` to rebuild it.` };
  return { ok: true, value: x as unknown as Manifest };
}

/** Checks a parsed runs/<id>/metrics.json. */
export function validateRunMetrics(x: unknown, where = 'metrics.json'): Validation<RunMetrics> {
  if (!isObj(x)) return { ok: false, error: `${where} is not a JSON object` };
  const v = versionError(where, x.schemaVersion);
  if (v) return { ok: false, error: v };
  const problems: string[] = [];
  const need = (cond: boolean, msg: string) => { if (!cond) problems.push(msg); };
  need(typeof x.runId === 'string', 'runId is missing');
  need(Array.isArray(x.history), 'history must be a list of epochs');
  need(isObj(x.test) && typeof (x.test as any).accuracy === 'number', 'test metrics are missing');
  const roc = x.roc as any;
  need(isObj(roc) && Array.isArray(roc.fpr) && Array.isArray(roc.tpr) && roc.fpr.length === roc.tpr.length && roc.fpr.length >= 2, 'roc must hold matching fpr/tpr lists');
  const ts = x.testScores as any;
  need(isObj(ts) && ts.file === 'test-scores.bin' && Number.isInteger(ts.count), 'testScores must describe test-scores.bin');
  if (problems.length) return { ok: false, error: `${where} is not valid: ${problems.join('; ')}. Run \`npm run precompute -- --force\` to rebuild it.` };
  return { ok: true, value: x as unknown as RunMetrics };
}

/** Decodes test-scores.bin (see RunMetrics.testScores). */
export function decodeTestScores(buf: ArrayBuffer, count: number): { scores: Float32Array; labels: Float32Array } {
  if (buf.byteLength !== count * 8) {
    throw new Error(`test-scores.bin holds ${buf.byteLength} bytes but metrics.json announces ${count} events (${count * 8} bytes); rebuild with \`npm run precompute -- --force\``);
  }
  const all = new Float32Array(buf.slice(0));
  return { scores: all.subarray(0, count), labels: all.subarray(count) };
}

/** Decodes sample.bin into per-column arrays (see Manifest.sample). */
export function decodeSample(buf: ArrayBuffer, desc: SampleDescription): Record<string, Float32Array> {
  if (buf.byteLength !== desc.bytes) {
    throw new Error(`sample.bin holds ${buf.byteLength} bytes but manifest.json announces ${desc.bytes}; rebuild with \`npm run precompute -- --force\``);
  }
  const all = new Float32Array(buf.slice(0));
  const nc = desc.columns.length;
  const out: Record<string, Float32Array> = {};
  desc.columns.forEach((c, j) => {
    const col = new Float32Array(desc.rows);
    for (let i = 0; i < desc.rows; i++) col[i] = all[i * nc + j];
    out[c] = col;
  });
  return out;
}

/**
 * Fetches and validates a dataset's manifest in the page. `base` is the URL of
 * public/precomputed/<dataset-id>/ including the site's base path.
 */
export async function fetchManifest(base: string, fetchFn: typeof fetch = fetch): Promise<Manifest> {
  const url = base.replace(/\/?$/, '/') + 'manifest.json';
  const res = await fetchFn(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}. Run \`npm run precompute\` to create the precomputed assets.`);
  const v = validateManifest(await res.json(), url);
  if (!v.ok) throw new Error(v.error);
  return v.value;
}

export async function fetchRunMetrics(base: string, runId: string, fetchFn: typeof fetch = fetch): Promise<RunMetrics> {
  const url = `${base.replace(/\/?$/, '/')}runs/${runId}/metrics.json`;
  const res = await fetchFn(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}. Run \`npm run precompute\` to create the precomputed assets.`);
  const v = validateRunMetrics(await res.json(), url);
  if (!v.ok) throw new Error(v.error);
  return v.value;
}
