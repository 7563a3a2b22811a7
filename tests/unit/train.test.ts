import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { buildModel, denseLayers, parameterCount, predictScores } from '../../core/model';
import { createOptimizer } from '../../core/optim';
import { trainClassifier, bceLoss, type TrainConfig, type TrainData } from '../../core/train';
import { createRng } from '../../core/rng';

await tf.setBackend('cpu');

function toyData(n: number, seed: number, nf = 4): TrainData {
  const rng = createRng(seed);
  const make = (m: number) => {
    const x = new Float32Array(m * nf), y = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      y[i] = rng.next() < 0.4 ? 1 : 0;
      for (let f = 0; f < nf; f++) x[i * nf + f] = rng.normal() + (f < 2 ? 1.2 * y[i] : 0);
    }
    return { x, y };
  };
  const tr = make(n), va = make(Math.round(n / 4));
  return { nFeatures: nf, xTrain: tr.x, yTrain: tr.y, xVal: va.x, yVal: va.y };
}

const base: TrainConfig = {
  model: { hidden: [8, 4], activation: 'relu' },
  optimizer: { type: 'adam', lr: 0.01, weightDecay: 0.001 },
  epochs: 3,
  batchSize: 32,
  seed: 5,
};

describe('model builder', () => {
  it('initialises like nn.Linear: uniform within ±1/sqrt(fan_in), weights and biases, seeded', () => {
    const m = buildModel({ hidden: [100, 50], activation: 'sigmoid' }, 26, 1);
    const [w0, b0, w1] = m.getWeights().map((t) => t.dataSync());
    const within = (a: Float32Array | Int32Array | Uint8Array, bound: number) => a.every((v) => Math.abs(v) <= bound);
    expect(within(w0, 1 / Math.sqrt(26))).toBe(true);
    expect(within(b0, 1 / Math.sqrt(26))).toBe(true);
    expect(within(w1, 1 / Math.sqrt(100))).toBe(true);
    // Spread fills the range (not a narrower Glorot init).
    expect(Math.max(...Array.from(w0))).toBeGreaterThan(0.9 / Math.sqrt(26));
    expect(m.countParams()).toBe(parameterCount({ hidden: [100, 50], activation: 'sigmoid' }, 26));
    const again = buildModel({ hidden: [100, 50], activation: 'sigmoid' }, 26, 1);
    expect(Array.from(again.getWeights()[0].dataSync())).toEqual(Array.from(w0));
    m.dispose(); again.dispose();
  });
});

describe('optimisers follow PyTorch', () => {
  it('SGD with momentum and weight decay: buffer starts at the first gradient, decay on biases too', () => {
    const p = tf.variable(tf.tensor1d([1, -2]));
    const opt = createOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.5 }, [p]);
    const g = tf.tensor1d([0.2, 0.4]);
    opt.step([g], 0.1); // d = g + 0.5 p = [0.7, -0.6]; p = [0.93, -1.94]
    expect(p.dataSync()[0]).toBeCloseTo(0.93, 6);
    expect(p.dataSync()[1]).toBeCloseTo(-1.94, 6);
    opt.step([g], 0.1); // d = g + 0.5 p = [0.665, -0.57]; buf = 0.9*[0.7,-0.6] + d = [1.295, -1.11]
    expect(p.dataSync()[0]).toBeCloseTo(0.93 - 0.1295, 6);
    expect(p.dataSync()[1]).toBeCloseTo(-1.94 + 0.111, 6);
    opt.dispose(); tf.dispose([p, g]);
  });
  it('Adam first step moves each parameter by lr (bias-corrected), Adagrad by lr', () => {
    const p = tf.variable(tf.tensor1d([1, -1]));
    const q = tf.variable(tf.tensor1d([1, -1]));
    const adam = createOptimizer({ type: 'adam', lr: 0.05 }, [p]);
    const ada = createOptimizer({ type: 'adagrad', lr: 0.05 }, [q]);
    const g = tf.tensor1d([0.3, -7]);
    adam.step([g], 0.05); ada.step([g], 0.05);
    expect(p.dataSync()[0]).toBeCloseTo(0.95, 6);
    expect(p.dataSync()[1]).toBeCloseTo(-0.95, 6);
    expect(q.dataSync()[0]).toBeCloseTo(0.95, 6);
    expect(q.dataSync()[1]).toBeCloseTo(-0.95, 6);
    adam.dispose(); ada.dispose(); tf.dispose([p, q, g]);
  });
});

describe('training loop', () => {
  it('learns, is reproducible for a seed, and leaks no tensors across steps or re-training', async () => {
    const data = toyData(800, 1);
    const before = tf.memory().numTensors;
    const m1 = buildModel(base.model, 4, base.seed);
    const r1 = await trainClassifier(m1, data, base);
    const s1 = await predictScores(m1, data.xVal, 4);
    m1.dispose();
    const afterOne = tf.memory().numTensors;
    const m2 = buildModel(base.model, 4, base.seed);
    const r2 = await trainClassifier(m2, data, base);
    const s2 = await predictScores(m2, data.xVal, 4);
    m2.dispose();
    expect(tf.memory().numTensors).toBe(afterOne);
    expect(afterOne).toBe(before);
    expect(r1.status).toBe('completed');
    expect(r1.history.length).toBe(3);
    expect(r1.history[2].trainLoss).toBeLessThan(r1.history[0].trainLoss);
    expect(r2.history.map((h) => h.trainLoss)).toEqual(r1.history.map((h) => h.trainLoss));
    expect(Array.from(s2)).toEqual(Array.from(s1));
  });

  it('dropout is seeded and varies from step to step; early stopping and the plateau schedule act on validation loss', async () => {
    const data = toyData(400, 2);
    const cfg: TrainConfig = {
      ...base, model: { hidden: [16], activation: 'relu', dropout: 0.3 }, optimizer: { type: 'adam', lr: 0.2 }, epochs: 40,
      earlyStopping: { patience: 2 }, lrSchedule: { type: 'plateau', factor: 0.5, patience: 0 },
    };
    const run = async () => { const m = buildModel(cfg.model, 4, 9); const r = await trainClassifier(m, data, cfg); m.dispose(); return r; };
    const a = await run(), b = await run();
    expect(a.history.map((h) => h.trainLoss)).toEqual(b.history.map((h) => h.trainLoss));
    expect(a.status).toBe('early-stopped');
    expect(a.history.length).toBeLessThan(40);
    expect(a.bestEpoch).toBe(a.history.length - 2);
    expect(Math.min(...a.history.map((h) => h.lr))).toBeLessThan(0.2);
  });

  it('stops with a message at the first non-finite loss', async () => {
    const data = toyData(200, 3);
    // Inputs near the float32 limit overflow in the first layer (Inf - Inf = NaN), as raw
    // unscaled values with a corrupt event can; the loop must stop rather than go on with NaN.
    for (let i = 0; i < data.xTrain.length; i++) data.xTrain[i] *= 3e38;
    const cfg: TrainConfig = { ...base, model: { hidden: [8], activation: 'relu' }, optimizer: { type: 'sgd', lr: 0.1 }, epochs: 5 };
    const m = buildModel(cfg.model, 4, 1);
    const n0 = tf.memory().numTensors;
    const r = await trainClassifier(m, data, cfg);
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(/loss became (NaN|Infinity)/);
    expect(tf.memory().numTensors).toBe(n0);
    m.dispose();
  });

  it('clipped BCE stays finite when the sigmoid saturates', () => {
    const l = bceLoss(tf.tensor1d([1, 0]), tf.tensor1d([0, 1]));
    expect(Number.isFinite(l.dataSync()[0])).toBe(true);
    // Mean of -log(1e-7) and -log(1 - float32(1 - 1e-7)).
    expect(l.dataSync()[0]).toBeCloseTo((-Math.log(1e-7) - Math.log(1 - Math.fround(1 - 1e-7))) / 2, 3);
    l.dispose();
  });

  it('honours an abort signal', async () => {
    const data = toyData(2000, 4);
    const ctl = new AbortController();
    const m = buildModel(base.model, 4, 1);
    const r = await trainClassifier(m, data, { ...base, batchSize: 1, epochs: 50 }, { signal: ctl.signal, yieldEveryMs: 5, onBatch: () => ctl.abort() });
    expect(r.status).toBe('aborted');
    expect(r.history.length).toBe(0);
    m.dispose();
  });
});
