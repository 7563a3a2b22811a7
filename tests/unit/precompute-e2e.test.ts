/**
 * The precompute end to end, as a user runs it: the CLI in a subprocess on a
 * small generated dataset (quick profile) in a temporary directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { generateSample } from '../../precompute/generator/generate';
import { writeEventFile } from '../../precompute/data/write';
import { validateManifest, validateRunMetrics, decodeTestScores, decodeSample, type RunMetrics } from '../../core/schema';
import { classificationReport, rocAuc, rocCurve, downsampleRoc, scoreHistograms } from '../../core/metrics';
import { predictScores } from '../../core/model';
import { loadModel } from '../../precompute/train/assets';
import { checkDatasetConfig } from '../../precompute/train/config';
import { prepare, runMatrices } from '../../precompute/train/prepare';

const repo = resolve(__dirname, '../..');
const tsx = join(repo, 'node_modules/.bin/tsx');
const cli = join(repo, 'precompute/cli/precompute.ts');
let root: string;
const ID = 'e2e-small';

const F5 = ['Njets', 'HT_all', 'combined_leptons_mass', 'angle_between_jets', 'angle_between_leptons'];
const config = {
  id: ID,
  title: 'small generated sample for the end-to-end test',
  source: 'data/small.h5',
  classes: { signal: 'Signal', background: 'Background' },
  featureSets: { F5, F8: [...F5, 'MissingEnergy', 'jet1_mass', 'lepton0_mass'] },
  split: { train: 0.8, val: 0.1, test: 0.1, seed: 42 },
  runs: [
    { id: 'full-batch-unscaled', title: 'unscaled, full batch', featureSet: 'F8', standardize: false, model: { hidden: [16, 8], activation: 'sigmoid' }, optimizer: { type: 'sgd', lr: 0.25 }, epochs: 2, batchSize: 'full' },
    { id: 'minibatch-importance', title: 'batch 32 with importance', featureSet: 'F5', standardize: true, model: { hidden: [16, 8], activation: 'sigmoid' }, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 }, epochs: 2, batchSize: 32, permutationImportance: true },
    { id: 'dropout-early-stop', title: 'dropout, schedule, early stopping', featureSet: 'F8', standardize: true, model: { hidden: [16, 8], activation: 'relu', dropout: 0.2 }, optimizer: { type: 'adam', lr: 0.01, weightDecay: 0.001 }, epochs: 2, batchSize: 64, lrSchedule: { type: 'plateau', factor: 0.5, patience: 1 }, earlyStopping: { patience: 5 } },
  ],
};

function precompute(args: string[]) {
  const r = spawnSync(tsx, [cli, '--dataset', ID, ...args], { cwd: root, env: { ...process.env, CI: 'true' }, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = () => join(root, 'public/precomputed', ID);
const read = (p: string) => readFileSync(join(dir(), p));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nn4hep-precompute-'));
  mkdirSync(join(root, 'content/datasets'), { recursive: true });
  writeFileSync(join(root, 'content/datasets', `${ID}.json`), JSON.stringify(config));
  const s = generateSample({ events: 20000, seed: 11 });
  await writeEventFile(join(root, 'data/small.h5'), s.features, { Signal: s.signal, Background: s.background });
  await tf.setBackend('cpu');
});

afterAll(() => { if (root) rmSync(root, { recursive: true, force: true }); });

describe('npm run precompute (quick profile, generated data)', () => {
  let first: ReturnType<typeof precompute>;

  it('writes a schema-valid manifest, features, sample and every run', () => {
    // Named backend: the test must not depend on whether tfjs-node happens to be installed.
    first = precompute(['--jobs', '2', '--backend', 'wasm']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const v = validateManifest(JSON.parse(read('manifest.json').toString()));
    if (!v.ok) throw new Error(v.error);
    const m = v.value;
    expect(m.profile).toBe('quick');
    expect(m.split.sizes).toEqual({ train: 1600, val: 200, test: 200 });
    expect(m.backend.name).toBe('wasm');
    expect(m.runs.map((r) => r.id)).toEqual(config.runs.map((r) => r.id));
    expect(m.runs.every((r) => !r.cached)).toBe(true);
    const sample = decodeSample(new Uint8Array(read('sample.bin')).buffer, m.sample);
    expect(sample.label.length).toBe(m.sample.rows);
    const sig = sample.label.reduce((a, b) => a + b, 0) / sample.label.length;
    expect(Math.abs(sig - m.classCounts.signal / (m.classCounts.signal + m.classCounts.background))).toBeLessThan(0.02);
    const feats = JSON.parse(read('features.json').toString());
    expect(feats.features.map((f: { name: string }) => f.name)).toEqual(m.features);
    for (const r of m.runs) {
      for (const f of ['model.json', 'weights.bin', 'metrics.json', 'test-scores.bin']) expect(existsSync(join(dir(), 'runs', r.id, f)), `${r.id}/${f}`).toBe(true);
    }
    expect(first.out).toMatch(/backend: wasm/);
    expect(first.out).toMatch(/epoch 2\/2 train loss/);
  });

  it("recomputes each run's metrics from its shipped test scores", () => {
    for (const r of config.runs) {
      const v = validateRunMetrics(JSON.parse(read(`runs/${r.id}/metrics.json`).toString()));
      if (!v.ok) throw new Error(v.error);
      const met: RunMetrics = v.value;
      const { scores, labels } = decodeTestScores(new Uint8Array(read(`runs/${r.id}/test-scores.bin`)).buffer, met.testScores.count);
      expect(scores.length).toBe(200);
      const rep = classificationReport(labels, scores, 0.5);
      expect(rep.confusion).toEqual(met.test.confusion);
      expect(rep.accuracy).toBeCloseTo(met.test.accuracy, 12);
      expect(rep.weighted.f1).toBeCloseTo(met.test.weighted.f1, 12);
      expect(rocAuc(labels, scores)).toBeCloseTo(met.auc, 12);
      const roc = downsampleRoc(rocCurve(labels, scores), 200);
      expect(met.roc.fpr).toEqual(roc.fpr);
      expect(met.roc.tpr).toEqual(roc.tpr);
      expect(met.roc.thresholds[0]).toBeNull();
      expect(met.scoreHistograms.test.signal.counts).toEqual(scoreHistograms(labels, scores).signal.counts);
      expect(met.history.length).toBeGreaterThan(0);
      expect(met.history.every((h) => Number.isFinite(h.trainLoss) && Number.isFinite(h.valLoss))).toBe(true);
      if (r.permutationImportance) {
        expect(met.permutationImportance?.importances.map((i) => i.feature)).toEqual(F5);
      } else {
        expect(met.permutationImportance).toBeNull();
      }
    }
  });

  it('a model reloaded from model.json + weights.bin reproduces its shipped scores', async () => {
    // Rebuild the test inputs the same way the precompute did.
    const { readEventFile } = await import('../../precompute/data/read');
    const cfg = checkDatasetConfig(config, 'test');
    const ev = await readEventFile(join(root, 'data/small.h5'), { features: [...new Set(Object.values(cfg.featureSets).flat())] });
    const prep = prepare(ev.table, cfg, 0.1);
    for (const r of cfg.runs) {
      const m = runMatrices(prep, r.featureSet, r.standardize);
      const model = await loadModel(join(dir(), 'runs', r.id));
      const scores = await predictScores(model, m.xTest, m.nFeatures);
      const shipped = decodeTestScores(new Uint8Array(read(`runs/${r.id}/test-scores.bin`)).buffer, scores.length);
      expect(Array.from(shipped.labels)).toEqual(Array.from(m.yTest));
      for (let i = 0; i < scores.length; i++) expect(Math.abs(scores[i] - shipped.scores[i])).toBeLessThan(1e-5);
      model.dispose();
    }
  });

  it('a second run is a cache hit, says so and leaves every published file as it was', () => {
    const before = read('runs/minibatch-importance/weights.bin');
    const manifestBefore = read('manifest.json');
    const second = precompute([]);
    expect(second.code).toBe(0);
    for (const r of config.runs) expect(second.out).toContain(`[${r.id}] cache hit`);
    expect(second.out).toMatch(/is up to date \(3 runs, events unchanged\): nothing rewritten/);
    expect(second.out).not.toMatch(/epoch \d+\/\d+ train loss/);
    expect(read('runs/minibatch-importance/weights.bin').equals(before)).toBe(true);
    // Byte for byte: a build of an unchanged checkout leaves no diff (timings included).
    expect(read('manifest.json').equals(manifestBefore)).toBe(true);
  });

  it('a run from the cache after the published assets are gone is marked cached', () => {
    rmSync(dir(), { recursive: true, force: true });
    const third = precompute([]);
    expect(third.code).toBe(0);
    expect(third.out).toMatch(/0 trained, 3 from cache/);
    const m = JSON.parse(read('manifest.json').toString());
    expect(m.runs.every((r: { cached: boolean }) => r.cached)).toBe(true);
  });

  it('a run killed during training leaves the previous assets intact', async () => {
    const snapshot = (d: string): Record<string, string> => {
      const out: Record<string, string> = {};
      const walk = (p: string) => { for (const e of readdirSync(p, { withFileTypes: true })) { const f = join(p, e.name); if (e.isDirectory()) walk(f); else out[f.slice(d.length)] = readFileSync(f).toString('base64'); } };
      walk(d);
      return out;
    };
    const before = snapshot(dir());
    const child = spawn(tsx, [cli, '--dataset', ID, '--force', '--jobs', '1'], { cwd: root, env: { ...process.env, CI: 'true' }, detached: true });
    await new Promise<void>((resolvePromise, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`training never started: ${text}`)), 60_000);
      child.stdout.on('data', (b) => {
        text += b.toString();
        if (/epoch 1\/2 train loss/.test(text)) {
          clearTimeout(timer);
          // Kill the whole process group (tsx wrapper and node) abruptly, as a crash would.
          process.kill(-child.pid!, 'SIGKILL');
          resolvePromise();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    expect(snapshot(dir())).toEqual(before);
    const v = validateManifest(JSON.parse(read('manifest.json').toString()));
    expect(v.ok).toBe(true);
  });

  it('a named backend that cannot load fails with a clear message and no stack trace', () => {
    const r = precompute(['--backend', 'node-gpu']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--backend node-gpu');
    expect(r.err).toContain('@tensorflow/tfjs-node-gpu is not installed');
    expect(r.err).toContain('What to do:');
    expect(r.err).not.toMatch(/\n\s+at /);
    const bad = precompute(['--backend', 'tpu']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/"tpu" is not a backend/);
  });
});
