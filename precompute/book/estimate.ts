/**
 * What a precompute would do, without doing it: the events per split (the same seeded,
 * stratified split the precompute makes) and the training time of every run, estimated
 * from a short measured burst of the same network on the chosen backend.
 */
import { availableParallelism } from 'node:os';
import type { DatasetConfig, Profile } from '../../core/schema';
import { buildModel } from '../../core/model';
import { trainClassifier } from '../../core/train';
import { createRng } from '../../core/rng';
import { profileEpochs, profileEventFraction } from '../train/prepare';

const int = (n: number) => n.toLocaleString('en-US');

export interface ClassParts { used: number; train: number; val: number; test: number }
export interface SplitSizes { train: number; val: number; test: number; used: number; signal: ClassParts; background: ClassParts }

/**
 * Events of one class in each part: the same rounding as core/split.ts (stratifiedSubsample
 * keeps max(1, round(n × fraction)) of a class; stratifiedSplit rounds validation and test
 * and gives the rest to training). Counts only, so a large file costs nothing.
 */
export function classParts(count: number, fraction: number, split: DatasetConfig['split']): ClassParts {
  const used = count === 0 ? 0 : fraction < 1 ? Math.max(1, Math.round(count * fraction)) : count;
  const val = Math.round(used * split.val), test = Math.round(used * split.test);
  return { used, train: used - val - test, val, test };
}

/** Events per split for `signal` + `background` events under a profile (as precompute/train/prepare.ts splits them). */
export function splitSizes(signal: number, background: number, config: DatasetConfig, profile: Profile): SplitSizes {
  const fraction = profileEventFraction(profile, signal + background);
  const s = classParts(signal, fraction, config.split), b = classParts(background, fraction, config.split);
  return { train: s.train + b.train, val: s.val + b.val, test: s.test + b.test, used: s.used + b.used, signal: s, background: b };
}

const PARTS = ['train', 'val', 'test'] as const;
const PART_NAMES = { train: 'training', val: 'validation', test: 'test' } as const;

/** The smallest count of one class whose split gives every part at least one event, the other class fixed. */
function neededCount(other: number, config: DatasetConfig, profile: Profile): number {
  for (let n = 1; n < 1e7; n++) {
    const p = classParts(n, profileEventFraction(profile, n + other), config.split);
    if (PARTS.every((k) => p[k] >= 1)) return n;
  }
  return Infinity;
}

/**
 * Every part of the split needs events of both classes: training to learn them, validation
 * for early stopping and the learning curves, test for the ROC curve (which is not defined
 * with one class). Returns null when the split works, else the problem and what the file
 * would need, for a PrecomputeError.
 */
export function splitProblem(signal: number, background: number, config: DatasetConfig, profile: Profile,
  names: { signal: string; background: string }): { problem: string; todo: string } | null {
  const sizes = splitSizes(signal, background, config, profile);
  const short: string[] = [];
  const needs: string[] = [];
  for (const cls of ['signal', 'background'] as const) {
    const p = sizes[cls];
    const empty = PARTS.filter((k) => p[k] < 1);
    if (!empty.length) continue;
    const count = cls === 'signal' ? signal : background;
    const kept = p.used === count ? `${int(count)} event${count === 1 ? '' : 's'}` : `${int(p.used)} kept of ${int(count)} events`;
    short.push(`${cls} ("${names[cls]}"): ${kept} → training ${int(p.train)}, validation ${int(p.val)}, test ${int(p.test)}`
      + ` (none for ${empty.map((k) => PART_NAMES[k]).join(' or ')})`);
    const other = cls === 'signal' ? background : signal;
    const need = neededCount(other, config, profile);
    // Under the quick profile a large file keeps a fraction, so it needs more than the full profile would.
    const full = neededCount(other, config, 'full');
    const more = profile === 'quick' && need !== full ? ` with the quick profile (${int(full)} with --profile full)` : '';
    needs.push(`${int(need)} ${cls} events${more}`);
  }
  if (!short.length) return null;
  const s = config.split;
  const pct = (f: number) => `${+(f * 100).toFixed(1)}%`;
  const fullWorks = profile === 'quick' && splitProblem(signal, background, config, 'full', names) === null;
  return {
    problem: `too few events to split (${profile} profile, ${pct(s.train)} training, ${pct(s.val)} validation, ${pct(s.test)} test per class): ${short.join('; ')}. `
      + 'Every part needs events of both classes: the test scores need both for a ROC curve, validation for early stopping.',
    todo: fullWorks
      ? `run with --profile full, which keeps every event (the quick profile keeps ${int(sizes.used)} of the ${int(signal + background)}), or use a file with more events.`
      : `use a file with at least ${needs.join(' and ')}.`,
  };
}

export interface RunEstimate {
  id: string;
  title: string;
  featureSet: string;
  nFeatures: number;
  epochs: number;
  batchSize: number;
  /** Measured training throughput of this network, events per second. */
  eventsPerSecond: number;
  seconds: number;
}

export interface Estimate {
  runs: RunEstimate[];
  /** Wall time with `jobs` worker threads (longest runs first, as the precompute schedules them). */
  wallSeconds: number;
  jobs: number;
  burstSeconds: number;
}

function syntheticData(n: number, nf: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float32Array(n * nf), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < 0.4 ? 1 : 0;
    for (let f = 0; f < nf; f++) x[i * nf + f] = rng.normal() + 0.5 * y[i];
  }
  return { nFeatures: nf, xTrain: x, yTrain: y, xVal: x.subarray(0, 16 * nf), yVal: y.subarray(0, 16) };
}

/**
 * Times one epoch of each distinct network (inputs, layers, optimiser, batch size) on up to
 * a few thousand synthetic events, after a warm-up step, on the TF.js backend that is active.
 */
export async function estimateRuns(config: DatasetConfig, trainEvents: number, profile: Profile, jobs = availableParallelism()): Promise<Estimate> {
  const t0 = performance.now();
  const measured = new Map<string, number>();
  const runs: RunEstimate[] = [];
  for (const rc of config.runs) {
    const nf = config.featureSets[rc.featureSet].length;
    const epochs = profileEpochs(profile, rc, trainEvents);
    const batch = rc.batchSize === 'full' ? trainEvents : Math.min(rc.batchSize, trainEvents);
    // A full batch of hundreds of thousands of events is timed on a smaller one: same work per event.
    const burstBatch = Math.max(1, Math.min(batch, 8192));
    const key = JSON.stringify([nf, rc.model, rc.optimizer, burstBatch]);
    if (!measured.has(key)) {
      const n = Math.max(burstBatch, Math.min(trainEvents, Math.max(2048, burstBatch * 16), 32768));
      const data = syntheticData(n, nf, 3);
      const cfg = { model: rc.model, optimizer: rc.optimizer, epochs: 1, batchSize: burstBatch, seed: 1 };
      const warm = buildModel(rc.model, nf, 1);
      await trainClassifier(warm, { ...data, xTrain: data.xTrain.subarray(0, nf * burstBatch), yTrain: data.yTrain.subarray(0, burstBatch) }, cfg);
      warm.dispose();
      const model = buildModel(rc.model, nf, 1);
      const r = await trainClassifier(model, data, cfg);
      model.dispose();
      measured.set(key, r.samplesPerSecond);
    }
    const eps = measured.get(key)!;
    runs.push({
      id: rc.id, title: rc.title, featureSet: rc.featureSet, nFeatures: nf, epochs, batchSize: batch,
      eventsPerSecond: eps, seconds: (epochs * trainEvents) / eps,
    });
  }
  const workers = Math.max(1, Math.min(jobs, runs.length));
  const load = new Array<number>(workers).fill(0);
  for (const r of [...runs].sort((a, b) => b.seconds - a.seconds)) {
    const i = load.indexOf(Math.min(...load));
    load[i] += r.seconds;
  }
  return { runs, wallSeconds: Math.max(...load), jobs: workers, burstSeconds: (performance.now() - t0) / 1000 };
}
