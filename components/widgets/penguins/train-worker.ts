/// <reference lib="webworker" />
/**
 * Training for the chapter 2-4 widgets, off the main thread so the page stays responsive.
 * Every run is seeded; Stop is honoured between small chunks of steps; TF.js is loaded only
 * for the two neural-network jobs, and every tensor of a run is disposed when it ends
 * (the tensor count is reported so the tests can check it stays flat, pitfalls #3).
 */
import { createRng } from '../../../core/rng';
import { fitScaler } from '../../../core/scaler';
import { createPlainOptimizer, trainLinear, type PlainOptimizer } from '../../../core/rprop';
import { LogisticGdTrainer, fitBinaryLogistic, fitSoftmax } from '../../../core/logistic';
import { initBrowserBackend } from '../../../core/tfjs/backend';
import type { FromWorker, LinearJob, LogisticJob, NetClsJob, NetRegJob, ToWorker } from './train-protocol';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Work for about this long, then report and let messages (Stop) in. */
const SLICE_MS = 30;
/** Pause between reports, so the reader can watch and the page has time to draw. */
const PAUSE_MS = 30;
const stopped = new Set<number>();
let current = 0;

type Tf = typeof import('@tensorflow/tfjs');
let tfReady: Promise<Tf> | null = null;
function loadTf(runId: number, wasmBaseUrl: string): Promise<Tf> {
  if (!tfReady) {
    tfReady = (async () => {
      const tf = await import('@tensorflow/tfjs');
      const report = await initBrowserBackend(tf, wasmBaseUrl);
      post({ type: 'backend', runId, ...report });
      return tf;
    })();
  }
  return tfReady;
}

// ---- Linear model y = w x + b: the model and the optimiser persist between Train clicks ----
interface LinearState { params: Float64Array; opt: PlainOptimizer; optKey: string; standardise: boolean; mean: number; sd: number; steps: number }
let linear: LinearState | null = null;

function freshLinear(job: LinearJob): LinearState {
  const rng = createRng(job.seed);
  // nn.Linear(1, 1): weight and bias uniform in ±1/√(fan_in) = ±1.
  const params = new Float64Array([rng.uniform(-1, 1), rng.uniform(-1, 1)]);
  const s = fitScaler(job.x, 1);
  return { params, opt: createPlainOptimizer({ type: job.optimizer, lr: job.lr }, 2), optKey: `${job.optimizer}:${job.lr}`,
    standardise: job.standardise, mean: job.standardise ? s.mean[0] : 0, sd: job.standardise ? s.scale[0] : 1, steps: 0 };
}
const rawLine = (s: LinearState) => [s.params[0] / s.sd, s.params[1] - (s.params[0] * s.mean) / s.sd];

async function runLinear(runId: number, job: LinearJob) {
  if (!linear || linear.standardise !== job.standardise) linear = freshLinear(job);
  const st = linear;
  // A different optimiser or learning rate means a new optimiser object; the model keeps its weights.
  if (st.optKey !== `${job.optimizer}:${job.lr}`) {
    st.opt = createPlainOptimizer({ type: job.optimizer, lr: job.lr }, 2);
    st.optKey = `${job.optimizer}:${job.lr}`;
  }
  const x = job.x.map((v) => (v - st.mean) / st.sd);
  let left = job.steps;
  // These steps are cheap: pace them (about 150 reports per Train) so the training can be watched.
  const perReport = Math.max(1, Math.ceil(job.steps / 150));
  while (left > 0) {
    if (stopped.has(runId)) return post({ type: 'done', runId, reason: 'stopped', message: `Stopped after ${st.steps} steps.`, values: rawLine(st) });
    const losses: number[] = [];
    {
      const n = Math.min(left, perReport);
      const run = trainLinear(st.params, st.opt, x, job.y, n);
      losses.push(...run.losses);
      st.steps += run.losses.length;
      left -= n;
      if (run.diverged) {
        post({ type: 'progress', runId, steps: st.steps, losses, values: rawLine(st) });
        linear = null;
        return post({ type: 'done', runId, reason: 'diverged', message: `The loss stopped being a number at step ${st.steps + 1}: the learning rate is too large for these inputs. Reset, then lower it.` });
      }
    }
    post({ type: 'progress', runId, steps: st.steps, losses, values: rawLine(st) });
    await pause(PAUSE_MS);
  }
  post({ type: 'done', runId, reason: 'finished', message: `Finished: ${st.steps} steps so far. Train again to continue from here.`, values: rawLine(st) });
}

// ---- Logistic / softmax regression: Adam until the gradient vanishes, then Newton's exact answer ----
async function runLogistic(runId: number, job: LogisticJob) {
  const trainer = new LogisticGdTrainer(job.X, job.y, job.K, { lr: job.lr });
  const flat = () => { const m = trainer.model(); return [...m.coef.flat(), ...m.intercept]; };
  while (trainer.steps < job.maxSteps) {
    if (stopped.has(runId)) return post({ type: 'done', runId, reason: 'stopped', message: `Stopped after ${trainer.steps} steps (not converged).`, values: flat() });
    const losses = trainer.train(Math.min(25, job.maxSteps - trainer.steps));
    post({ type: 'progress', runId, steps: trainer.steps, losses, values: flat() });
    if (trainer.gradNorm() < 1e-4) break;
    await pause(PAUSE_MS);
  }
  // Finish with Newton's method on the same objective: the converged, scikit-learn answer.
  const X = job.X;
  const exact = job.K === 2 ? (() => { const m = fitBinaryLogistic(X, job.y); return [...m.coef, m.intercept]; })()
    : (() => { const m = fitSoftmax(X, job.y, job.K); return [...m.coef.flat(), ...m.intercept]; })();
  post({ type: 'done', runId, reason: 'converged', message: `Gradient descent: ${trainer.steps} Adam steps; then Newton's method polished it to the exact minimum.`, values: exact });
}

// ---- 1 → H → 1 network on x² + 0.5x + noise (TF.js computes the gradients) ----
function initDense(rng: ReturnType<typeof createRng>, fanIn: number, units: number): { w: Float32Array; b: Float32Array } {
  // PyTorch nn.Linear: uniform ±1/√fan_in, drawn in PyTorch's [out, in] order, stored [in, out].
  const bound = 1 / Math.sqrt(fanIn);
  const w = new Float32Array(fanIn * units);
  for (let o = 0; o < units; o++) for (let k = 0; k < fanIn; k++) w[k * units + o] = rng.uniform(-bound, bound);
  const b = new Float32Array(units);
  for (let o = 0; o < units; o++) b[o] = rng.uniform(-bound, bound);
  return { w, b };
}

async function runNet(runId: number, job: NetRegJob | NetClsJob, tf: Tf) {
  const rng = createRng(job.seed);
  const nIn = job.kind === 'netreg' ? 1 : job.X[0].length;
  const nOut = job.kind === 'netreg' ? 1 : job.K;
  const H = job.hidden;
  const l1 = initDense(rng, nIn, H), l2 = initDense(rng, H, nOut);
  const shapes: [number, number][] = [[nIn, H], [1, H], [H, nOut], [1, nOut]];
  const flat = new Float64Array(nIn * H + H + H * nOut + nOut);
  flat.set(l1.w, 0); flat.set(l1.b, nIn * H); flat.set(l2.w, nIn * H + H); flat.set(l2.b, nIn * H + H + H * nOut);
  const offsets = [0, nIn * H, nIn * H + H, nIn * H + H + H * nOut, flat.length];
  // tidy frees the initial values; the variables keep their own reference.
  const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(flat.subarray(offsets[i], offsets[i + 1])), s), true, `p${runId}_${i}`)));
  const opt = createPlainOptimizer(job.kind === 'netreg' ? { type: job.optimizer, lr: job.lr } : { type: 'adam', lr: job.lr }, flat.length);
  const activation = job.kind === 'netreg' ? job.activation : 'relu';
  const act = (t: import('@tensorflow/tfjs').Tensor) => (activation === 'relu' ? tf.relu(t) : activation === 'tanh' ? tf.tanh(t) : tf.sigmoid(t));
  const forward = (inp: import('@tensorflow/tfjs').Tensor) => act(inp.matMul(vars[0]).add(vars[1])).matMul(vars[2]).add(vars[3]);
  const n = job.kind === 'netreg' ? job.x.length : job.X.length;
  const xs = job.kind === 'netreg' ? tf.tensor2d(job.x, [n, 1]) : tf.tensor2d(job.X.flat(), [n, nIn]);
  const ys = job.kind === 'netreg' ? tf.tensor2d(job.y, [n, 1]) : tf.tidy(() => tf.oneHot(tf.tensor1d(job.y, 'int32'), nOut));
  const gridT = job.kind === 'netreg' ? tf.tensor2d(job.grid, [job.grid.length, 1]) : tf.tensor2d(job.grid.flat(), [job.grid.length, nIn]);
  const grads = new Float64Array(flat.length);
  let epoch = 0;
  const finish = (reason: 'finished' | 'stopped' | 'diverged', message: string) => {
    [xs, ys, gridT, ...vars].forEach((t) => t.dispose());
    post({ type: 'done', runId, reason, message, numTensors: tf.memory().numTensors });
  };
  const snapshot = (): { values: number[]; accuracy?: number } => tf.tidy(() => {
    if (job.kind === 'netreg') return { values: Array.from(forward(gridT).dataSync()) };
    const probs = tf.softmax(forward(gridT));
    const pred = forward(xs).argMax(1).dataSync();
    let ok = 0;
    for (let i = 0; i < n; i++) if (pred[i] === job.y[i]) ok++;
    return { values: Array.from(probs.dataSync()), accuracy: ok / n };
  });
  try {
    while (epoch < job.epochs) {
      if (stopped.has(runId)) return finish('stopped', `Stopped after ${epoch} epochs.`);
      const t0 = performance.now();
      const losses: number[] = [];
      while (epoch < job.epochs && performance.now() - t0 < SLICE_MS) {
        // Full batch: forward, loss, backward (variableGrads), then the PyTorch-rule step.
        const { value, grads: g } = tf.variableGrads(() => (job.kind === 'netreg'
          ? tf.losses.meanSquaredError(ys, forward(xs))
          : tf.losses.softmaxCrossEntropy(ys, forward(xs))) as import('@tensorflow/tfjs').Scalar, vars);
        const loss = value.dataSync()[0];
        const gv = vars.map((v) => g[v.name].dataSync());
        value.dispose();
        Object.values(g).forEach((t) => t.dispose());
        if (!Number.isFinite(loss)) {
          post({ type: 'progress', runId, steps: epoch, losses, values: [] });
          return finish('diverged', `The loss became ${loss} at epoch ${epoch + 1}: lower the learning rate.`);
        }
        gv.forEach((a, i) => grads.set(a, offsets[i]));
        opt.step(flat, grads);
        tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor2d(Float32Array.from(flat.subarray(offsets[i], offsets[i + 1])), shapes[i]))));
        losses.push(loss);
        epoch++;
      }
      post({ type: 'progress', runId, steps: epoch, losses, ...snapshot(), numTensors: tf.memory().numTensors });
      await pause(PAUSE_MS);
    }
    finish('finished', `Finished ${epoch} epochs.`);
  } catch (e) {
    [xs, ys, gridT, ...vars].forEach((t) => { if (!t.isDisposed) t.dispose(); });
    throw e;
  }
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'stop') { stopped.add(m.runId); return; }
  if (m.type === 'reset') {
    linear = freshLinear(m.job);
    post({ type: 'state', runId: m.runId, values: rawLine(linear) });
    return;
  }
  // A new run stops the previous one.
  if (current) stopped.add(current);
  current = m.runId;
  try {
    const job = m.job;
    if (job.kind === 'linear') await runLinear(m.runId, job);
    else if (job.kind === 'logistic') await runLogistic(m.runId, job);
    else await runNet(m.runId, job, await loadTf(m.runId, m.wasmBaseUrl));
  } catch (err) {
    post({ type: 'failed', runId: m.runId, message: (err as Error)?.message ?? String(err) });
  }
};
