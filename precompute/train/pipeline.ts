/**
 * The precompute: load and check a dataset, split and scale it, train every
 * configured run that the cache does not already hold (in worker threads),
 * evaluate, and write public/precomputed/<dataset-id>/ atomically.
 *
 * Cache: each run's key is the SHA-256 of the decoded events, the run's
 * configuration, the profile, the split and SCHEMA_VERSION/TRAINING_CODE_VERSION.
 * Finished runs are kept under the cache directory as soon as they finish, so an
 * interrupted precompute resumes where it stopped; the published directory
 * changes only when every run is done.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { SCHEMA_VERSION, validateManifest, type DatasetConfig, type Manifest, type Profile, type RunMetrics, type RunSummary, type FeaturesFile } from '../../core/schema';
import { parameterCount } from '../../core/model';
import { loadDatasetConfig, runSeed } from './config';
import { loadEvents, dataHash, type EventData } from './data';
import { splitProblem } from './split-check';
import { prepare, runMatrices, eventSample, featureStats, profileEpochs, profileEventFraction, QUICK_MAX_EPOCHS } from './prepare';
import { selectBackend, type BackendChoice } from './backend';
import { runPool } from './pool';
import { cleanStale, copyDir, replaceDirAtomic, sha256, toJson, bytesOf } from './assets';
import { createProgress, formatDuration, type Progress } from './progress';
import { PrecomputeError } from './errors';
import type { RunJob } from './run';

/** Bump when training or evaluation changes in a way that changes results: invalidates every cached run. */
export const TRAINING_CODE_VERSION = 1;
export const SAMPLE_ROWS = 5000;
export const ROC_POINTS = 200;
export const IMPORTANCE_REPEATS = 5;
/** The book's checkout (where node_modules is), which may differ from the dataset root in tests. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface PrecomputeOptions {
  root: string;
  datasetId: string;
  /** Default: the profile of the existing assets, or quick when there are none. */
  profile?: Profile;
  backend: BackendChoice;
  jobs?: number;
  force?: boolean;
  /** Parent of <dataset-id>/; default public/precomputed. */
  outDir?: string;
  /** Default node_modules/.cache/nn4hep-precompute. */
  cacheDir?: string;
  out?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean };
  /** Events to use instead of reading the configured file (tests, generated data). */
  events?: { data: EventData; fileSha256: string; label: string };
  /** Train only runs index, index + count, ... of the configuration (a batch job's share; see precompute/book/merge.ts). */
  shard?: { index: number; count: number };
}

export interface PrecomputeResult {
  manifest: Manifest;
  dir: string;
  trained: string[];
  cached: string[];
}

function readExistingManifest(dir: string): Manifest | null {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) return null;
  try {
    const v = validateManifest(JSON.parse(readFileSync(p, 'utf8')), p);
    return v.ok ? v.value : null;
  } catch {
    return null;
  }
}

function libraries(root: string): Record<string, string> {
  const v: Record<string, string> = { node: process.versions.node, '@tensorflow/tfjs': tf.version.tfjs };
  for (const pkg of ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'h5wasm']) {
    const p = join(root, 'node_modules', pkg, 'package.json');
    if (existsSync(p)) v[pkg] = (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
  }
  return v;
}

/** The manifest without what changes on every build: when it ran, on which backend, the file's bytes, cache flags. */
function stableContent(m: Manifest): string {
  const { timings: _t, backend: _b, source, runs, ...rest } = m;
  return JSON.stringify({
    ...rest,
    source: { ...source, sha256: undefined },
    runs: runs.map(({ cached: _c, ...r }) => r),
  });
}

function sameAssets(a: Manifest, b: Manifest): boolean {
  return stableContent(a) === stableContent(b);
}

function sameFile(a: string, b: string): boolean {
  return existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));
}

export async function precompute(o: PrecomputeOptions): Promise<PrecomputeResult> {
  const started = new Date();
  const root = resolve(o.root);
  const { config } = loadDatasetConfig(root, o.datasetId);
  const outParent = resolve(root, o.outDir ?? 'public/precomputed');
  const target = join(outParent, config.id);
  const cacheRoot = join(resolve(root, o.cacheDir ?? 'node_modules/.cache/nn4hep-precompute'), config.id);
  const runs = o.shard ? config.runs.filter((_, i) => i % o.shard!.count === o.shard!.index) : config.runs;
  if (!runs.length) throw new PrecomputeError(`--shard ${o.shard!.index}/${o.shard!.count}`, `${config.id} has only ${config.runs.length} runs, so this shard has none.`, `use at most ${config.runs.length} shards.`);
  const progress = createProgress(o.out ?? process.stdout, runs.length);

  for (const note of cleanStale(outParent, config.id)) progress.info(note);
  const existing = readExistingManifest(target);
  const profile: Profile = o.profile ?? existing?.profile ?? 'quick';
  const maxEpochs = profile === 'quick' ? QUICK_MAX_EPOCHS : null;
  progress.info(`dataset ${config.id}: profile ${profile}${o.profile ? '' : existing ? ' (as the existing assets)' : ' (no assets yet)'}`);

  // Backend first: a named backend that cannot load should fail before minutes of data loading.
  const backend = await selectBackend(o.backend);
  progress.info(`backend: ${backend.name} (${backend.device})${backend.skipped.length ? `; not available: ${backend.skipped.join('; ')}` : ''}`);
  const backendInfo = { requested: backend.requested, name: backend.name, device: backend.device };
  // Per-run staging directories of a killed precompute are incomplete: drop them.
  if (existsSync(cacheRoot)) for (const e of readdirSync(cacheRoot)) if (e.includes('.staging-')) rmSync(join(cacheRoot, e), { recursive: true, force: true });

  const t0 = Date.now();
  const loaded = o.events ?? { ...(await loadEvents(root, config)), label: config.source };
  const data = loaded.data;
  for (const w of ('warnings' in loaded ? (loaded.warnings as string[]) : [])) progress.info(`note: ${w}`);
  const dHash = dataHash(data);
  progress.info(`read ${data.signal.count.toLocaleString('en-US')} signal + ${data.background.count.toLocaleString('en-US')} background events from ${'label' in loaded ? loaded.label : config.source} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  // A file too small to give every part of the split both classes would train and then fail
  // on the ROC curve: say so before training anything (npm run book checks the same).
  const tooSmall = splitProblem(data.signal.count, data.background.count, config, profile, config.classes);
  if (tooSmall) throw new PrecomputeError(config.id, tooSmall.problem, tooSmall.todo);
  const eventFraction = profileEventFraction(profile, data.signal.count + data.background.count);
  const prep = prepare(data, config, eventFraction);
  const sizes = { train: prep.split.train.length, val: prep.split.val.length, test: prep.split.test.length };
  progress.info(`split (seed ${config.split.seed}, stratified): ${sizes.train} train / ${sizes.val} validation / ${sizes.test} test events`);

  // Cache keys and lookups.
  const plan = runs.map((rc) => {
    const epochs = profileEpochs(profile, rc, sizes.train);
    const seed = runSeed(config, rc);
    const key = sha256(JSON.stringify({
      schema: SCHEMA_VERSION, code: TRAINING_CODE_VERSION, data: dHash, profile, eventFraction, epochs, seed,
      split: config.split, features: config.featureSets[rc.featureSet], run: { ...rc, title: undefined }, // a new title needs no retraining
      rocPoints: ROC_POINTS, importanceRepeats: IMPORTANCE_REPEATS,
    }));
    let from: string | null = null;
    if (!o.force) {
      const prev = existing?.runs.find((r) => r.id === rc.id && r.cacheKey === key);
      const prevDir = join(target, 'runs', rc.id);
      if (prev && existsSync(join(prevDir, 'metrics.json'))) from = prevDir;
      else if (existsSync(join(cacheRoot, key, 'metrics.json'))) from = join(cacheRoot, key);
    }
    return { rc, epochs, seed, key, from };
  });
  const toTrain = plan.filter((p) => !p.from);
  for (const p of plan.filter((q) => q.from)) progress.info(`[${p.rc.id}] cache hit: inputs unchanged, reusing ${p.from!.startsWith(target) ? 'the published run' : 'the cached run'} (key ${p.key.slice(0, 12)})`);


  const trained: string[] = [];
  if (toTrain.length) {
    const jobsN = Math.max(1, Math.min(o.jobs ?? availableParallelism(), toTrain.length));
    progress.info(`training ${toTrain.length} run(s) on ${jobsN} worker thread(s)${plan.length > toTrain.length ? `, ${plan.length - toTrain.length} cached` : ''}`);
    mkdirSync(cacheRoot, { recursive: true });
    const matrices = new Map<string, ReturnType<typeof runMatrices>>();
    const jobs: RunJob[] = toTrain.map((p) => {
      const mk = `${p.rc.featureSet}|${p.rc.standardize}`;
      if (!matrices.has(mk)) matrices.set(mk, runMatrices(prep, p.rc.featureSet, p.rc.standardize));
      return {
        config: p.rc, seed: p.seed, epochs: p.epochs, features: config.featureSets[p.rc.featureSet], matrices: matrices.get(mk)!,
        dir: join(cacheRoot, p.key), cacheKey: p.key, backend: backendInfo,
        importanceRepeats: IMPORTANCE_REPEATS, rocPoints: ROC_POINTS,
      };
    });
    // Longest runs first so the workers finish together.
    const cost = (j: RunJob) => j.epochs * j.matrices.yTrain.length * parameterCount(j.config.model, j.matrices.nFeatures)
      * (j.config.batchSize === 'full' ? 0.2 : 1 + 64 / Math.min(j.config.batchSize, j.matrices.yTrain.length));
    jobs.sort((a, b) => cost(b) - cost(a));
    await runPool(jobs, jobsN, backend.concrete, {
      onStart: (id, wb) => {
        const j = jobs.find((x) => x.config.id === id)!;
        progress.runStart(id, j.epochs, `${j.config.title} [${j.matrices.yTrain.length} events, batch ${j.config.batchSize}, ${j.epochs} epochs, ${wb.name}]`);
      },
      onEpoch: (id, log, epochs) => progress.epoch(id, log, epochs),
      onBatch: (id, p) => progress.batch(id, p),
      onDone: (id, m) => {
        trained.push(id);
        progress.runDone(id, `${m.status}${m.message ? ` (${m.message})` : ''}: test accuracy ${m.test.accuracy.toFixed(4)}, AUC ${m.auc.toFixed(4)}, `
          + `${m.history.length} epochs in ${formatDuration(m.trainSeconds)} (${Math.round(m.samplesPerSecond).toLocaleString('en-US')} events/s)`);
      },
    });
  }

  // Assemble the new directory next to the old one, then swap.
  const stage = join(outParent, `.${config.id}.staging-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'runs'), { recursive: true });
  const summaries: RunSummary[] = [];
  for (const p of plan) {
    const src = p.from ?? join(cacheRoot, p.key);
    const dst = join(stage, 'runs', p.rc.id);
    copyDir(src, dst);
    const m = JSON.parse(readFileSync(join(dst, 'metrics.json'), 'utf8')) as RunMetrics;
    summaries.push({
      id: p.rc.id, title: p.rc.title, featureSet: p.rc.featureSet, status: m.status, message: m.message, cacheKey: p.key,
      cached: Boolean(p.from), epochsRun: m.history.length, bestEpoch: m.bestEpoch, testAccuracy: m.test?.accuracy ?? null,
      testAuc: m.auc ?? null, trainSeconds: m.trainSeconds, samplesPerSecond: m.samplesPerSecond, backend: m.backend,
    });
  }
  const sample = eventSample(prep, SAMPLE_ROWS, config.split.seed + 7);
  writeFileSync(join(stage, 'sample.bin'), sample.bytes);
  const features: FeaturesFile = { schemaVersion: SCHEMA_VERSION, datasetId: config.id, features: featureStats(prep) };
  writeFileSync(join(stage, 'features.json'), toJson(features));
  const finished = new Date();
  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    datasetId: config.id,
    title: config.title,
    profile,
    profileSettings: { eventFraction, maxEpochs },
    source: { file: o.events ? o.events.label : config.source, sha256: loaded.fileSha256, dataSha256: dHash, classes: config.classes },
    classCounts: { signal: data.signal.count, background: data.background.count },
    features: data.features,
    featureSets: config.featureSets,
    split: { seed: config.split.seed, fractions: { train: config.split.train, val: config.split.val, test: config.split.test }, sizes, stratified: true },
    scalers: prep.scalers,
    sample: { ...sample.desc, sha256: sha256(sample.bytes) },
    backend: backendInfo,
    libraries: libraries(repoRoot),
    runs: summaries,
    timings: { startedAt: started.toISOString(), finishedAt: finished.toISOString(), seconds: (finished.getTime() - started.getTime()) / 1000 },
    ...(o.shard ? { shard: { index: o.shard.index, count: o.shard.count, runs: runs.map((r) => r.id) } } : {}),
  };
  const check = validateManifest(JSON.parse(toJson(manifest)));
  if (!check.ok) throw new Error(`internal error, the manifest does not validate: ${check.error}`);
  const cached = plan.filter((p) => p.from).map((p) => p.rc.id);
  // Nothing new: keep the published files byte for byte, so that a build of an
  // unchanged checkout leaves no diff behind (timings and the file's own hash
  // would otherwise change on every build).
  if (existing && !o.shard && !trained.length && plan.every((p) => p.from?.startsWith(target))
    && sameAssets(existing, manifest) && sameFile(join(stage, 'features.json'), join(target, 'features.json'))) {
    rmSync(stage, { recursive: true, force: true });
    progress.info(`${target} is up to date (${cached.length} runs, events unchanged): nothing rewritten`);
    progress.close();
    return { manifest: existing, dir: target, trained, cached };
  }
  writeFileSync(join(stage, 'manifest.json'), toJson(manifest));
  replaceDirAtomic(stage, target);
  progress.info(`wrote ${target} (${trained.length} trained, ${cached.length} from cache) in ${formatDuration(manifest.timings.seconds)}`);
  progress.close();
  return { manifest, dir: target, trained, cached };
}

export type { DatasetConfig };
