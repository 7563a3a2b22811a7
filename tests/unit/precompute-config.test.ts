import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { checkDatasetConfig, runSeed } from '../../precompute/train/config';
import { selectBackend } from '../../precompute/train/backend';
import { QUICK_MAX_EPOCHS, profileEpochs } from '../../precompute/train/prepare';
import type { DatasetConfig } from '../../core/schema';

const builtIn = JSON.parse(readFileSync(new URL('../../content/datasets/ww-vs-tt-sim.json', import.meta.url), 'utf8'));

describe('content/datasets/ww-vs-tt-sim.json', () => {
  const c = checkDatasetConfig(builtIn, 'content/datasets/ww-vs-tt-sim.json', 'ww-vs-tt-sim');
  const run = (n: number) => c.runs[n - 1];
  it("holds the course's 14 runs as the issue lists them", () => {
    expect(c.runs).toHaveLength(14);
    expect(c.featureSets.F26).toHaveLength(26);
    expect(c.featureSets.F5).toEqual(['Njets', 'HT_all', 'combined_leptons_mass', 'angle_between_jets', 'angle_between_leptons']);
    expect(c.split).toEqual({ train: 0.8, val: 0.1, test: 0.1, seed: 42 });
    expect(run(1)).toMatchObject({ featureSet: 'F26', standardize: false, model: { hidden: [100, 50], activation: 'sigmoid' }, optimizer: { type: 'sgd', lr: 0.25 }, epochs: 50, batchSize: 'full' });
    expect(run(3).optimizer).toEqual({ type: 'sgd', lr: 0.05, momentum: 0.01 });
    expect(run(6).optimizer).toEqual({ type: 'adam', lr: 0.05, weightDecay: 0.001 });
    expect(run(7)).toMatchObject({ batchSize: 131072, epochs: 40 });
    expect(run(10)).toMatchObject({ featureSet: 'F5', model: { hidden: [64, 16, 4], activation: 'relu' }, epochs: 20, batchSize: 32 });
    expect(run(12)).toMatchObject({ featureSet: 'F5', optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, epochs: 50, batchSize: 32, permutationImportance: true });
    expect(run(13).optimizer.lr).toBe(0.005);
    expect(run(14)).toMatchObject({ featureSet: 'F26', earlyStopping: { patience: 5 }, permutationImportance: true });
    expect(run(14).model.dropout).toBeGreaterThan(0);
    expect(run(14).lrSchedule).toBeDefined();
  });
  it('gives every run its own stable seed', () => {
    const seeds = c.runs.map((r) => runSeed(c, r));
    expect(new Set(seeds).size).toBe(14);
    const reordered: DatasetConfig = { ...c, runs: [...c.runs].reverse() };
    expect(runSeed(reordered, c.runs[0])).toBe(seeds[0]);
  });
});

describe('dataset config errors name the file, the run and the fix', () => {
  const bad = (mutate: (c: any) => void) => {
    const c = structuredClone(builtIn);
    mutate(c);
    try { checkDatasetConfig(c, 'content/datasets/x.json'); } catch (e) { return (e as Error).message; }
    return 'no error';
  };
  it('unknown feature set, optimiser, duplicate id, bad split', () => {
    expect(bad((c) => { c.runs[2].featureSet = 'F7'; })).toMatch(/content\/datasets\/x\.json: runs\[2\] \("r03-f26-sgd-momentum"\): featureSet "F7" is not one of F26, F5[\s\S]*What to do:/);
    expect(bad((c) => { c.runs[0].optimizer.type = 'rmsprop'; })).toMatch(/optimizer\.type must be one of sgd, adagrad, adam/);
    expect(bad((c) => { c.runs[1].id = c.runs[0].id; })).toMatch(/id is used twice/);
    expect(bad((c) => { c.split.test = 0.2; })).toMatch(/add up to 1/);
    expect(bad((c) => { c.runs[0].batchSize = 0; })).toMatch(/batchSize must be a positive integer or "full"/);
  });
});

describe('backend selection reports what really runs', () => {
  it('wasm and cpu load in Node and are verified by running an operation', async () => {
    const w = await selectBackend('wasm');
    expect(w.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(w.device).toMatch(/WebAssembly \(SIMD (on|off), threads (on|off)\)/);
    const c = await selectBackend('cpu');
    expect(c.name).toBe('cpu');
    expect(c.device).toMatch(/plain JavaScript/);
  });
  it('auto skips what is not installed and says why', async () => {
    const a = await selectBackend('auto');
    expect(['tensorflow', 'wasm']).toContain(a.name);
    if (a.name === 'wasm') expect(a.skipped.join('\n')).toMatch(/tfjs-node-gpu is not installed/);
  });
});

describe('profileEpochs: what the quick profile trains', () => {
  it('caps mini-batch runs at QUICK_MAX_EPOCHS (20) and keeps every epoch of a full-batch run (one step each)', () => {
    expect(profileEpochs('quick', { epochs: 100, batchSize: 32 }, 30_240)).toBe(QUICK_MAX_EPOCHS);
    expect(QUICK_MAX_EPOCHS).toBe(20);
    expect(profileEpochs('quick', { epochs: 3, batchSize: 32 }, 30_240)).toBe(3);
    expect(profileEpochs('quick', { epochs: 50, batchSize: 'full' }, 30_240)).toBe(50);
    // r07's batch of 131,072 holds the whole quick training split: still one step per epoch.
    expect(profileEpochs('quick', { epochs: 40, batchSize: 131_072 }, 30_240)).toBe(40);
    expect(profileEpochs('quick', { epochs: 40, batchSize: 131_072 }, 302_400)).toBe(QUICK_MAX_EPOCHS);
    expect(profileEpochs('full', { epochs: 100, batchSize: 32 }, 302_400)).toBe(100);
  });

  it('is what the shipped assets of the built-in configuration were trained with', () => {
    const c = checkDatasetConfig(builtIn, 'content/datasets/ww-vs-tt-sim.json', 'ww-vs-tt-sim');
    const m = JSON.parse(readFileSync(new URL('../../public/precomputed/ww-vs-tt-sim/manifest.json', import.meta.url), 'utf8'));
    for (const r of c.runs) {
      const shipped = m.runs.find((s: { id: string }) => s.id === r.id);
      const cap = profileEpochs(m.profile, r, m.split.sizes.train);
      // Early stopping may end a run sooner, never later.
      expect(shipped.epochsRun).toBeLessThanOrEqual(cap);
      if (!r.earlyStopping) expect(shipped.epochsRun).toBe(cap);
    }
  });
});

describe('the precompute refuses a file too small to split before training', () => {
  it('names the parts left without a class and what the file would need', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { precompute } = await import('../../precompute/train/pipeline');
    const root = mkdtempSync(join(tmpdir(), 'nn4hep-tiny-'));
    try {
      mkdirSync(join(root, 'content/datasets'), { recursive: true });
      const config = {
        id: 'tiny', title: 'two events', source: 'data/tiny.h5', classes: { signal: 'Signal', background: 'Background' },
        featureSets: { F1: ['x'] }, split: { train: 0.8, val: 0.1, test: 0.1, seed: 42 },
        runs: [{ id: 'r1', title: 'r1', featureSet: 'F1', standardize: true, model: { hidden: [2], activation: 'relu' }, optimizer: { type: 'adam', lr: 0.01 }, epochs: 1, batchSize: 'full' }],
      };
      writeFileSync(join(root, 'content/datasets/tiny.json'), JSON.stringify(config));
      const cls = (key: string, v: number) => ({ key, count: 1, columns: { x: Float64Array.of(v) } });
      const data = { features: ['x'], signal: cls('Signal', 1), background: cls('Background', 0) };
      const out = { write: () => true };
      await expect(precompute({ root, datasetId: 'tiny', backend: 'cpu', events: { data, fileSha256: 'x', label: 'tiny.h5' }, out }))
        .rejects.toThrow(/too few events to split[\s\S]*What to do: use a file with at least \d+ signal events/);
      expect(existsSync(join(root, 'public/precomputed/tiny'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
