/// <reference lib="webworker" />
/**
 * The chapter 7 trainer's worker: the same code as the precompute (core/split,
 * core/scaler, core/model, core/train, core/metrics) on the page's event sample.
 * One run at a time; Stop aborts between steps; every tensor of a run is
 * disposed when it ends and the tensor count is reported with each epoch
 * (pitfalls #3: it must not grow with epochs or with re-training).
 */
import { stratifiedSplit } from '../../../core/split';
import { fitScaler, applyScaler } from '../../../core/scaler';
import { buildModel, predictScores } from '../../../core/model';
import { trainClassifier } from '../../../core/train';
import { classificationReport, rocAuc, rocCurve, downsampleRoc, scoreHistograms } from '../../../core/metrics';
import { initBrowserBackend } from '../../../core/tfjs/backend';
import type { FromWorker, ToWorker, TrainJob } from './trainer-protocol';

type Tf = typeof import('@tensorflow/tfjs');
const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let tfReady: Promise<Tf> | null = null;
const controllers = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

function loadTf(wasmBaseUrl: string): Promise<Tf> {
  if (!tfReady) {
    tfReady = (async () => {
      const tf = await import('@tensorflow/tfjs');
      const report = await initBrowserBackend(tf, wasmBaseUrl);
      post({ type: 'backend', ...report });
      return tf;
    })();
  }
  return tfReady;
}

function rows(x: Float32Array, nCols: number, cols: number[], idx: Uint32Array): Float32Array {
  const out = new Float32Array(idx.length * cols.length);
  for (let r = 0; r < idx.length; r++) for (let j = 0; j < cols.length; j++) out[r * cols.length + j] = x[idx[r] * nCols + cols[j]];
  return out;
}

async function train(job: TrainJob, signal: AbortSignal): Promise<void> {
  const tf = await loadTf(job.wasmBaseUrl);
  const { choice } = job;
  const cols = choice.features.map((f) => job.columns.indexOf(f));
  if (!cols.length || cols.some((c) => c < 0)) throw new Error(`unknown or no features: ${choice.features.join(', ')}`);
  const nf = cols.length;
  const split = stratifiedSplit(job.labels, job.seed, job.fractions);
  const pick = (idx: Uint32Array) => rows(job.x, job.columns.length, cols, idx);
  let xTrain = pick(split.train), xVal = pick(split.val), xTest = pick(split.test);
  if (choice.standardize) {
    // Statistics of the training split only (chapter 6).
    const s = fitScaler(xTrain, nf);
    xTrain = applyScaler(s, xTrain, nf); xVal = applyScaler(s, xVal, nf); xTest = applyScaler(s, xTest, nf);
  }
  const lab = (idx: Uint32Array) => Float32Array.from(idx, (i) => job.labels[i]);
  const yTrain = lab(split.train), yVal = lab(split.val), yTest = lab(split.test);
  const sizes = { train: yTrain.length, val: yVal.length, test: yTest.length };
  post({ type: 'start', runId: job.runId, sizes, numTensors: tf.memory().numTensors });
  const model = buildModel(choice.model, nf, job.seed);
  let outcome: import('./trainer-protocol').TrainOutcome;
  try {
    const r = await trainClassifier(model, { nFeatures: nf, xTrain, yTrain, xVal, yVal }, {
      model: choice.model, optimizer: choice.optimizer, epochs: choice.epochs, batchSize: choice.batchSize, seed: job.seed,
      lrSchedule: choice.lrSchedule, earlyStopping: choice.earlyStopping,
    }, {
      signal,
      yieldEveryMs: 40,
      onEpoch: (log) => post({ type: 'epoch', runId: job.runId, log, numTensors: tf.memory().numTensors }),
      onBatch: (p) => post({ type: 'batch', runId: job.runId, epoch: p.epoch, batch: p.batch, batches: p.batches }),
    });
    if (r.status === 'diverged' && !r.history.length) throw new Error(r.message);
    const testScores = await predictScores(model, xTest, nf);
    const trainScores = await predictScores(model, xTrain, nf);
    if (!testScores.every(Number.isFinite)) throw new Error(`the trained network gives non-finite scores (${r.message || 'the weights overflowed'}): lower the learning rate or standardise the inputs`);
    const roc = downsampleRoc(rocCurve(yTest, testScores), 200);
    outcome = {
      status: r.status, message: r.message, history: r.history, bestEpoch: r.bestEpoch, sizes,
      test: classificationReport(yTest, testScores, 0.5), auc: rocAuc(yTest, testScores), roc: { fpr: roc.fpr, tpr: roc.tpr },
      histograms: { train: scoreHistograms(yTrain, trainScores), test: scoreHistograms(yTest, testScores) },
      seconds: r.seconds, samplesPerSecond: r.samplesPerSecond,
    };
  } finally {
    model.dispose();
  }
  post({ type: 'done', runId: job.runId, numTensors: tf.memory().numTensors, outcome });
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  if (m.type === 'stop') { controllers.get(m.runId)?.abort(); return; }
  if (m.type === 'memory') {
    (tfReady ?? Promise.resolve(null)).then((tf) => post({ type: 'memory', numTensors: tf ? tf.memory().numTensors : 0 }));
    return;
  }
  const ctl = new AbortController();
  controllers.set(m.runId, ctl);
  // Runs never overlap: a new run starts after the previous one has cleaned up.
  queue = queue.then(() => train(m, ctl.signal).catch(async (e) => {
    const tf = tfReady ? await tfReady : null;
    post({ type: 'failed', runId: m.runId, message: (e as Error).message, numTensors: tf ? tf.memory().numTensors : 0 });
  })).finally(() => controllers.delete(m.runId));
};
