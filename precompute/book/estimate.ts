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
import { profileEpochs } from '../train/prepare';

// The split checks moved to precompute/train/split-check.ts (the precompute uses them too).
export { classParts, splitProblem, splitSizes, type ClassParts, type SplitSizes } from '../train/split-check';


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
