/**
 * One run: build the model, train it, evaluate it on the test split and write
 * runs/<id>/{model.json, weights.bin, metrics.json, test-scores.bin} into a
 * directory, atomically (staged, then renamed). Runs inside a worker thread.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { buildModel, predictScores } from '../../core/model';
import { trainClassifier, type BatchProgress, type EpochLog } from '../../core/train';
import {
  classificationReport, rocAuc, rocCurve, downsampleRoc, scoreHistograms, permutationImportance, accuracy,
} from '../../core/metrics';
import { createRng } from '../../core/rng';
import { SCHEMA_VERSION, type BackendInfo, type RunConfig, type RunMetrics } from '../../core/schema';
import { saveModel, toJson } from './assets';
import type { RunMatrices } from './prepare';

export interface RunJob {
  config: RunConfig;
  seed: number;
  epochs: number;
  features: string[];
  matrices: RunMatrices;
  /** Final directory for this run's files (the per-run cache entry). */
  dir: string;
  cacheKey: string;
  backend: BackendInfo;
  importanceRepeats: number;
  rocPoints: number;
}

export interface RunHooks {
  onEpoch?: (log: EpochLog) => void;
  onBatch?: (p: BatchProgress) => void;
  signal?: AbortSignal;
}

export async function executeRun(job: RunJob, hooks: RunHooks = {}): Promise<RunMetrics> {
  const { config: rc, matrices: m } = job;
  const nTrain = m.yTrain.length;
  const batchSize = rc.batchSize === 'full' ? nTrain : Math.min(rc.batchSize, nTrain);
  const model = buildModel(rc.model, m.nFeatures, job.seed);
  try {
    const result = await trainClassifier(model, m, {
      model: rc.model, optimizer: rc.optimizer, epochs: job.epochs, batchSize, seed: job.seed,
      lrSchedule: rc.lrSchedule, earlyStopping: rc.earlyStopping,
    }, { onEpoch: hooks.onEpoch, onBatch: hooks.onBatch, signal: hooks.signal, yieldEveryMs: 250 });
    if (result.status === 'aborted') throw new Error(`run ${rc.id} was stopped`);

    const testScores = await predictScores(model, m.xTest, m.nFeatures);
    const trainScores = await predictScores(model, m.xTrain, m.nFeatures);
    if (!testScores.every(Number.isFinite)) {
      throw new Error(`run ${rc.id}: the trained model gives non-finite scores (${result.message || 'weights overflowed'}); `
        + `change the learning rate or standardise the inputs in its entry of the dataset config`);
    }
    const roc = rocCurve(m.yTest, testScores);
    const small = downsampleRoc(roc, job.rocPoints);
    let importance: RunMetrics['permutationImportance'] = null;
    if (rc.permutationImportance) {
      const rng = createRng(job.seed ^ 0x9e3779b9);
      const pi = await permutationImportance({
        x: m.xTest, nFeatures: m.nFeatures, features: job.features, repeats: job.importanceRepeats,
        shuffle: (a) => rng.shuffle(a),
        score: async (x) => accuracy(m.yTest, await predictScores(model, x, m.nFeatures)),
      });
      importance = { metric: 'accuracy', repeats: job.importanceRepeats, ...pi };
    }
    const metrics: RunMetrics = {
      schemaVersion: SCHEMA_VERSION,
      runId: rc.id,
      config: rc,
      effective: { epochs: job.epochs, batchSize, trainEvents: nTrain, valEvents: m.yVal.length, testEvents: m.yTest.length },
      status: result.status,
      message: result.message,
      history: result.history,
      bestEpoch: result.bestEpoch,
      test: classificationReport(m.yTest, testScores, 0.5),
      auc: rocAuc(m.yTest, testScores),
      roc: { fpr: small.fpr, tpr: small.tpr, thresholds: small.thresholds.map((t) => (Number.isFinite(t) ? t : null)), fullPoints: roc.fpr.length },
      scoreHistograms: { train: scoreHistograms(m.yTrain, trainScores), test: scoreHistograms(m.yTest, testScores) },
      permutationImportance: importance,
      testScores: { file: 'test-scores.bin', dtype: 'float32', count: testScores.length, layout: 'scores-then-labels' },
      trainSeconds: result.seconds,
      samplesPerSecond: result.samplesPerSecond,
      backend: job.backend,
      cacheKey: job.cacheKey,
    };

    // Stage next to the final directory, then rename: a killed worker leaves only a staging directory.
    const stage = `${job.dir}.staging-${process.pid}-${threadId}`;
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    await saveModel(model, stage);
    const scoresFile = new Float32Array(2 * testScores.length);
    scoresFile.set(testScores, 0);
    scoresFile.set(m.yTest, testScores.length);
    writeFileSync(join(stage, 'test-scores.bin'), new Uint8Array(scoresFile.buffer));
    writeFileSync(join(stage, 'metrics.json'), toJson(metrics));
    if (existsSync(job.dir)) rmSync(job.dir, { recursive: true, force: true });
    renameSync(stage, job.dir);
    return metrics;
  } finally {
    model.dispose();
  }
}
