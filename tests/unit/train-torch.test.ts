import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { buildModel, denseLayers } from '../../core/model';
import { trainClassifier, type TrainConfig } from '../../core/train';
import type { OptimizerSpec } from '../../core/optim';

// Made by tests/unit/fixtures/make-torch-reference.py with PyTorch 1.13.
const ref = JSON.parse(readFileSync(new URL('./fixtures/torch-training-reference.json', import.meta.url), 'utf8'));

await tf.setBackend('cpu');

const specs: Record<string, OptimizerSpec> = {
  sgd_momentum_wd: { type: 'sgd', lr: 0.25, momentum: 0.9, weightDecay: 0.01 },
  adagrad: { type: 'adagrad', lr: 0.05 },
  adam_wd: { type: 'adam', lr: 0.05, weightDecay: 0.001 },
};

describe.each(Object.keys(specs))('full-batch training matches PyTorch: %s', (name) => {
  it('loss at every step and the final weights', async () => {
    const spec = { hidden: [6, 3], activation: 'sigmoid' as const };
    const model = buildModel(spec, 5, 0);
    // PyTorch weights are [out, in]; TF.js kernels are [in, out].
    const keys = ['0', '2', '4'];
    denseLayers(model).forEach((l, i) => {
      const w = ref.init[`${keys[i]}.weight`] as number[][];
      l.setWeights([tf.tensor2d(w).transpose(), tf.tensor1d(ref.init[`${keys[i]}.bias`])]);
    });
    const cfg: TrainConfig = { model: spec, optimizer: specs[name], epochs: ref.steps, batchSize: 'full', seed: 1 };
    const x = new Float32Array(ref.x.flat());
    const y = new Float32Array(ref.y);
    // Validation = training set, so valLoss after epoch k is PyTorch's loss before step k+1.
    const r = await trainClassifier(model, { nFeatures: 5, xTrain: x, yTrain: y, xVal: x, yVal: y }, cfg);
    const c = ref.cases[name];
    r.history.forEach((h, i) => expect(h.trainLoss).toBeCloseTo(c.losses[i], 5));
    denseLayers(model).forEach((l, i) => {
      const [k, b] = l.getWeights().map((t) => t.arraySync() as any);
      const wt = c.final[`${keys[i]}.weight`] as number[][];
      wt.forEach((row, o) => row.forEach((v, j) => expect(k[j][o]).toBeCloseTo(v, 4)));
      (c.final[`${keys[i]}.bias`] as number[]).forEach((v, o) => expect(b[o]).toBeCloseTo(v, 4));
    });
    model.dispose();
  });
});
