/**
 * The training loop shared by the precompute and the in-page trainer.
 *
 * A hand-written loop rather than model.fit, because the book promises
 * PyTorch's semantics: seeded shuffling every epoch, PyTorch's optimisers and
 * weight decay (core/optim), seeded dropout, learning-rate schedules and early
 * stopping as torch.optim.lr_scheduler and the course describe them. Every step
 * runs inside tf.tidy, so the tensor count stays flat across steps and across
 * re-training. No Node or DOM APIs: progress goes to callbacks, cancellation
 * comes through an AbortSignal.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from './rng';
import { denseLayers, type ModelSpec } from './model';
import { createOptimizer, type OptimizerSpec } from './optim';

/** PyTorch StepLR: lr × gamma every stepSize epochs. */
export interface StepLrSchedule {
  type: 'step';
  stepSize: number;
  gamma: number;
}
/** PyTorch ReduceLROnPlateau (mode 'min', relative threshold 1e-4) on the validation loss. */
export interface PlateauLrSchedule {
  type: 'plateau';
  factor: number;
  patience: number;
  minLr?: number;
}
export type LrSchedule = StepLrSchedule | PlateauLrSchedule;

export interface EarlyStopping {
  /** Epochs without a lower validation loss before training stops. */
  patience: number;
  /** Put back the weights of the best epoch at the end (default true). */
  restoreBest?: boolean;
}

export interface TrainConfig {
  model: ModelSpec;
  optimizer: OptimizerSpec;
  epochs: number;
  /** Events per step, or 'full' for full-batch gradient descent. */
  batchSize: number | 'full';
  seed: number;
  lrSchedule?: LrSchedule;
  earlyStopping?: EarlyStopping;
}

export interface TrainData {
  nFeatures: number;
  /** Row-major, already standardised as the run asks. */
  xTrain: Float32Array;
  yTrain: Float32Array;
  xVal: Float32Array;
  yVal: Float32Array;
}

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  lr: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  samplesPerSecond: number;
}

export type TrainStatus = 'completed' | 'early-stopped' | 'diverged' | 'aborted';

export interface TrainResult {
  status: TrainStatus;
  /** Why training ended early, in words for the reader (diverged, stopped early, aborted). */
  message: string;
  history: EpochLog[];
  /** 1-based epoch whose weights the model holds at the end. */
  bestEpoch: number;
  bestValLoss: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainHooks {
  onEpoch?: (log: EpochLog) => void;
  onBatch?: (p: BatchProgress) => void;
  signal?: AbortSignal;
  /** How often the loop yields to the event loop (page responsiveness, abort); default 50 ms. */
  yieldEveryMs?: number;
}

/** Probabilities are clipped to [1e-7, 1 − 1e-7]: sigmoid(20) is exactly 1 in float32 and log(0) would be -Infinity. */
export const BCE_EPSILON = 1e-7;

export function bceLoss(p: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const pc = tf.clipByValue(p, BCE_EPSILON, 1 - BCE_EPSILON);
    const ll = tf.add(tf.mul(y, tf.log(pc)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, pc))));
    return tf.neg(tf.mean(ll)) as tf.Scalar;
  });
}

/**
 * x·W + b with a hand-written gradient that transposes explicitly: the wasm
 * backend's matMul with transposeA/transposeB (what autodiff emits) is about
 * five times slower than transpose + plain matMul. Same values, same result.
 */
const denseOp = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved;
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)];
    },
  };
  // tf.customGrad's typing allows one gradient only; at run time it takes one per input.
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const ACT: Record<ModelSpec['activation'], (x: tf.Tensor) => tf.Tensor> = {
  sigmoid: tf.sigmoid,
  relu: tf.relu,
  tanh: tf.tanh,
};

export function checkTrainConfig(c: TrainConfig): void {
  if (!Number.isInteger(c.epochs) || c.epochs < 1) throw new Error(`epochs must be a positive integer (got ${c.epochs})`);
  if (c.batchSize !== 'full' && !(Number.isInteger(c.batchSize) && c.batchSize >= 1)) {
    throw new Error(`batchSize must be a positive integer or "full" (got ${JSON.stringify(c.batchSize)})`);
  }
  if (c.earlyStopping && !(Number.isInteger(c.earlyStopping.patience) && c.earlyStopping.patience >= 1)) {
    throw new Error(`earlyStopping.patience must be a positive integer (got ${c.earlyStopping.patience})`);
  }
}

/**
 * Trains `model` (built by core/model buildModel) in place. Resolves when
 * training ends for any reason; `status` and `message` say which. On
 * divergence the model keeps the weights of the last finite epoch.
 */
export async function trainClassifier(
  model: tf.LayersModel,
  data: TrainData,
  config: TrainConfig,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  checkTrainConfig(config);
  const { nFeatures } = data;
  const nTrain = data.yTrain.length;
  const nVal = data.yVal.length;
  if (nTrain === 0) throw new Error('the training split is empty');
  if (data.xTrain.length !== nTrain * nFeatures || data.xVal.length !== nVal * nFeatures) {
    throw new Error(`training data shapes disagree with ${nFeatures} features`);
  }
  const batchSize = config.batchSize === 'full' ? nTrain : Math.min(config.batchSize, nTrain);
  const batches = Math.ceil(nTrain / batchSize);
  const rng = createRng(config.seed);
  const shuffleRng = rng.fork();
  const dropoutRng = rng.fork();
  const dropout = config.model.dropout ?? 0;
  const act = ACT[config.model.activation];
  const yieldEvery = hooks.yieldEveryMs ?? 50;

  const dense = denseLayers(model);
  const params: tf.Variable[] = [];
  for (const l of dense) for (const w of l.trainableWeights) params.push(w.read() as tf.Variable);
  const optimizer = createOptimizer(config.optimizer, params);

  const xTrain = tf.tensor2d(data.xTrain, [nTrain, nFeatures]);
  const yTrain = tf.tensor2d(data.yTrain, [nTrain, 1]);
  const xVal = nVal > 0 ? tf.tensor2d(data.xVal, [nVal, nFeatures]) : null;
  const yVal = nVal > 0 ? tf.tensor2d(data.yVal, [nVal, 1]) : null;

  const forward = (x: tf.Tensor, training: boolean): tf.Tensor => {
    let h = x;
    dense.forEach((l, i) => {
      const [kernel, bias] = l.trainableWeights.map((w) => w.read());
      h = denseOp(h, kernel, bias);
      if (i === dense.length - 1) {
        h = tf.sigmoid(h);
      } else {
        h = act(h);
        if (training && dropout > 0) {
          // Inverted dropout with a fresh seed per step from the seeded generator
          // (a fixed seed in tf.dropout would repeat the same mask every step).
          const keep = tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', dropoutRng.int(2 ** 31)), dropout);
          h = tf.div(tf.mul(h, tf.cast(keep, 'float32')), 1 - dropout);
        }
      }
    });
    return h;
  };

  const evalLoss = async (x: tf.Tensor2D, y: tf.Tensor2D): Promise<number> => {
    const n = x.shape[0];
    const chunk = 16384;
    let sum = 0;
    for (let s = 0; s < n; s += chunk) {
      const e = Math.min(n, s + chunk);
      const l = tf.tidy(() => tf.mul(bceLoss(forward(x.slice([s, 0], [e - s, nFeatures]), false), y.slice([s, 0], [e - s, 1])), e - s));
      sum += (await l.data())[0];
      l.dispose();
    }
    return sum / n;
  };

  const snapshot = () => params.map((p) => tf.keep(p.clone()));
  let best: tf.Tensor[] | null = null;
  const history: EpochLog[] = [];
  let lr = config.optimizer.lr;
  let bestValLoss = Infinity;
  let bestEpoch = 0;
  let sinceBest = 0;
  let plateauBest = Infinity;
  let plateauBad = 0;
  let status: TrainStatus = 'completed';
  let message = '';
  let lastYield = Date.now();
  const t0 = Date.now();
  let samplesSeen = 0;
  const order = new Int32Array(nTrain);
  for (let i = 0; i < nTrain; i++) order[i] = i;

  try {
    epochs: for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const te = Date.now();
      shuffleRng.shuffle(order);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        if (hooks.signal?.aborted) {
          status = 'aborted';
          message = `training was stopped during epoch ${epoch}`;
          break epochs;
        }
        const s = b * batchSize;
        const e = Math.min(nTrain, s + batchSize);
        const lossT = tf.tidy(() => {
          let xb: tf.Tensor = xTrain, yb: tf.Tensor = yTrain;
          if (batches > 1) {
            const idx = tf.tensor1d(order.subarray(s, e), 'int32');
            xb = tf.gather(xTrain, idx);
            yb = tf.gather(yTrain, idx);
          }
          const { value, grads } = tf.variableGrads(() => bceLoss(forward(xb, true), yb), params);
          optimizer.step(params.map((p) => grads[p.name]), lr);
          return value;
        });
        const loss = (await lossT.data())[0];
        lossT.dispose();
        if (!Number.isFinite(loss)) {
          status = 'diverged';
          message =
            `the training loss became ${loss} in epoch ${epoch}, step ${b + 1}: the weights overflowed ` +
            '(learning rate too large for these inputs?); the model keeps the last finite epoch';
          break epochs;
        }
        lossSum += loss * (e - s);
        samplesSeen += e - s;
        if (Date.now() - lastYield >= yieldEvery) {
          hooks.onBatch?.({ epoch, epochs: config.epochs, batch: b + 1, batches, samplesPerSecond: samplesSeen / ((Date.now() - t0) / 1000) });
          await new Promise((r) => setTimeout(r, 0));
          lastYield = Date.now();
        }
      }
      const trainLoss = lossSum / nTrain;
      const valLoss = xVal && yVal ? await evalLoss(xVal, yVal) : trainLoss;
      const seconds = (Date.now() - te) / 1000;
      const log: EpochLog = { epoch, trainLoss, valLoss, lr, seconds, samplesPerSecond: nTrain / Math.max(seconds, 1e-3) };
      if (!Number.isFinite(valLoss)) {
        status = 'diverged';
        message = `the validation loss became ${valLoss} after epoch ${epoch}; the model keeps the last finite epoch`;
        break;
      }
      history.push(log);
      hooks.onEpoch?.(log);

      if (valLoss < bestValLoss) {
        bestValLoss = valLoss;
        bestEpoch = epoch;
        sinceBest = 0;
        best?.forEach((t) => t.dispose());
        best = snapshot();
      } else {
        sinceBest++;
      }
      if (config.earlyStopping && sinceBest >= config.earlyStopping.patience) {
        status = 'early-stopped';
        message = `validation loss did not improve for ${sinceBest} epochs; stopped after epoch ${epoch}`;
        break;
      }
      const sch = config.lrSchedule;
      if (sch?.type === 'step' && epoch % sch.stepSize === 0) lr *= sch.gamma;
      if (sch?.type === 'plateau') {
        if (valLoss < plateauBest * (1 - 1e-4)) {
          plateauBest = valLoss;
          plateauBad = 0;
        } else if (++plateauBad > sch.patience) {
          lr = Math.max(lr * sch.factor, sch.minLr ?? 0);
          plateauBad = 0;
        }
      }
    }

    // Early stopping restores the best epoch; without it the model keeps the
    // last epoch (as the course's loop does) unless training diverged.
    const restore = status === 'diverged' || (config.earlyStopping && config.earlyStopping.restoreBest !== false);
    if (restore && best) {
      params.forEach((p, i) => p.assign(best![i]));
    } else {
      bestEpoch = history.length;
      bestValLoss = history.length ? history[history.length - 1].valLoss : NaN;
    }
    if (status === 'diverged' && !best) {
      message += ' (no epoch finished with a finite loss, so the weights are not usable)';
    }
  } finally {
    best?.forEach((t) => t.dispose());
    optimizer.dispose();
    tf.dispose([xTrain, yTrain]);
    if (xVal) tf.dispose([xVal, yVal!]);
  }
  const seconds = (Date.now() - t0) / 1000;
  return { status, message, history, bestEpoch, bestValLoss, seconds, samplesPerSecond: samplesSeen / Math.max(seconds, 1e-3) };
}
