import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createPlainOptimizer, linearMse, trainLinear } from '../../core/rprop';

// Trajectories written by scripts/reference/optimizers_torch.py with torch 1.13 (float64).
const ref = JSON.parse(readFileSync(new URL('./fixtures/optimizers-torch.json', import.meta.url), 'utf8'));

describe.each([
  ['rprop', { type: 'rprop' as const }],
  ['sgd', { type: 'sgd' as const, lr: 0.05 }],
  ['adam', { type: 'adam' as const, lr: 0.1 }],
])('%s follows torch.optim step by step', (name, spec) => {
  it('60 steps: losses and parameters agree with PyTorch to 1e-10', () => {
    const params = Float64Array.from(ref.init);
    const opt = createPlainOptimizer(spec, 2);
    const want = ref.runs[name];
    for (let s = 0; s < 60; s++) {
      const { loss, grad } = linearMse(params, ref.x, ref.y);
      expect(loss).toBeCloseTo(want.losses[s], 10);
      opt.step(params, grad);
      expect(params[0]).toBeCloseTo(want.w[s], 10);
      expect(params[1]).toBeCloseTo(want.b[s], 10);
    }
  });
});

describe('Rprop details', () => {
  it('PyTorch defaults: lr 0.01, etas 0.5/1.2, step sizes 1e-6..50', () => {
    expect(createPlainOptimizer({ type: 'rprop' }, 1).spec).toMatchObject({ lr: 0.01, etas: [0.5, 1.2], stepSizes: [1e-6, 50] });
  });
  it('step sizes grow by 1.2 while the gradient keeps its sign, capped at 50', () => {
    const opt = createPlainOptimizer({ type: 'rprop' }, 1);
    const p = new Float64Array([0]);
    for (let i = 0; i < 200; i++) opt.step(p, [-1]);
    const before = p[0];
    opt.step(p, [-1]);
    expect(p[0] - before).toBeCloseTo(50, 12);
  });
  it('reset forgets the step sizes (a new optimiser, as the course does with the model)', () => {
    const opt = createPlainOptimizer({ type: 'rprop' }, 1);
    const p = new Float64Array([0]);
    for (let i = 0; i < 20; i++) opt.step(p, [-1]);
    opt.reset();
    const before = p[0];
    opt.step(p, [-1]);
    expect(p[0] - before).toBeCloseTo(0.01, 12);
  });
  it('training stops at the first non-finite loss instead of carrying NaN', () => {
    const x = [150, 200, 250];
    const y = [3000, 4000, 5000];
    const run = trainLinear(new Float64Array([0, 0]), createPlainOptimizer({ type: 'sgd', lr: 0.01 }, 2), x, y, 500);
    expect(run.diverged).toBeDefined();
    expect(run.losses.every(Number.isFinite)).toBe(true);
  });
  it('rejects an unknown optimiser or a non-positive learning rate', () => {
    expect(() => createPlainOptimizer({ type: 'lbfgs' as any }, 1)).toThrow(/optimiser/);
    expect(() => createPlainOptimizer({ type: 'sgd', lr: 0 }, 1)).toThrow(/positive/);
  });
});
