/**
 * `npm run book` and the shard/merge path, as an instructor runs them: the feature-set rules
 * (pure), the CLI's dry run and its messages in a subprocess, and two shards merged into the
 * published directory. Everything runs in temporary directories; the repository is not touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deriveConfig, idFromFileName, parseShard, shardRuns, loadTemplate } from '../../precompute/book/dataset-config';
import { splitSizes } from '../../precompute/book/estimate';
import { readEventFile } from '../../precompute/data/read';
import { writeEventFile } from '../../precompute/data/write';
import { validateManifest } from '../../core/schema';
import { PrecomputeError } from '../../precompute/train/errors';

const repo = resolve(__dirname, '../..');
const tsx = join(repo, 'node_modules/.bin/tsx');
/** CI has the shared fixtures beside the clone. */
const FIXTURE = resolve(repo, '../shared/fixtures/hdf5/course-layout-small.h5');
const template = loadTemplate(repo);
const F5 = template.featureSets.F5;
let tmp: string;

function fixtureMissing(): never {
  throw new Error(`${FIXTURE} is missing: these tests need the shared fixtures beside the repository (../shared/fixtures/hdf5/course-layout-small.h5).`);
}

/** A scratch "book" directory: the template config and book.json, nothing else. */
function scratchRoot(name: string): string {
  const root = join(tmp, name);
  mkdirSync(join(root, 'content/datasets'), { recursive: true });
  cpSync(join(repo, 'content/datasets/ww-vs-tt-sim.json'), join(root, 'content/datasets/ww-vs-tt-sim.json'));
  writeFileSync(join(root, 'content/book.json'), JSON.stringify({ defaultDataset: 'ww-vs-tt-sim' }));
  return root;
}

function listAll(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) { const p = join(d, e.name); if (e.isDirectory()) walk(p); else out.push(p); } };
  walk(dir);
  return out.sort();
}

function cli(script: string, args: string[], cwd: string) {
  const r = spawnSync(tsx, [join(repo, script), ...args], { cwd, env: { ...process.env, CI: 'true' }, encoding: 'utf8', timeout: 150_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, all: `${r.stdout}\n${r.stderr}` };
}

beforeAll(async () => {
  if (!existsSync(FIXTURE)) fixtureMissing();
  tmp = mkdtempSync(join(tmpdir(), 'nn4hep-book-'));
  // The course layout without one F5 column, and a file with none of F5's columns.
  const full = await readEventFile(FIXTURE);
  const without = (drop: (f: string) => boolean) => {
    const feats = full.table.features.filter((f) => !drop(f));
    const cls = (c: typeof full.table.signal) => ({ key: c.key, count: c.count, columns: Object.fromEntries(feats.map((f) => [f, c.columns[f]])) });
    return { feats, classes: { Signal: cls(full.table.signal), Background: cls(full.table.background) } };
  };
  const a = without((f) => f === 'angle_between_jets');
  await writeEventFile(join(tmp, 'no-angle.h5'), a.feats, a.classes);
  const b = without((f) => F5.includes(f));
  await writeEventFile(join(tmp, 'no-f5.h5'), b.feats, b.classes);
});

afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('dataset configuration from a file (pure rules)', () => {
  const base = { template, id: 'x', title: 't', source: 'data/x.h5', fileLabel: 'x.h5', classes: { signal: 'Signal', background: 'Background' } };

  it('keeps the run grid and split; intersects feature sets with the file columns', () => {
    const cols = [...template.featureSets.F26].filter((c) => c !== 'angle_between_jets' && c !== 'jet1_mass');
    const { config, changes, notes } = deriveConfig({ ...base, columns: cols });
    expect(config.runs.map((r) => r.id)).toEqual(template.runs.map((r) => r.id));
    expect(config.split).toEqual(template.split);
    expect(config.featureSets.F5).toEqual(F5.filter((c) => c !== 'angle_between_jets'));
    expect(config.featureSets.F26).toHaveLength(24);
    const f5 = changes.find((c) => c.set === 'F5')!;
    expect(f5.missing).toEqual(['angle_between_jets']);
    expect(f5.runs).toEqual(template.runs.filter((r) => r.featureSet === 'F5').map((r) => r.id));
    const note = notes.find((n) => n.startsWith('Feature set F5'))!;
    expect(note).toContain('"angle_between_jets"');
    expect(note).toContain('x.h5');
    expect(note).toContain('r08-f5-sigmoid-sgd');
    expect(note).toContain('content/datasets/x.json');
  });

  it('--features becomes the largest set exactly; F5 keeps what the list has', () => {
    const { config } = deriveConfig({ ...base, columns: template.featureSets.F26, features: ['HT_all', 'Njets', 'MissingEnergy'] });
    expect(config.featureSets.F26).toEqual(['HT_all', 'Njets', 'MissingEnergy']);
    expect(config.featureSets.F5).toEqual(['Njets', 'HT_all']);
  });

  it('a feature set with none of its columns is an error that names the runs and the fix', () => {
    let err: unknown;
    try { deriveConfig({ ...base, columns: ['lepton0_px', 'lepton0_py'] }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(PrecomputeError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^x\.h5: none of the 5 columns of feature set F5/);
    expect(msg).toContain('r08-f5-sigmoid-sgd');
    expect(msg).toContain('What to do:');
    expect(msg).toContain('lepton0_px, lepton0_py');
  });

  it('ids from file names, shards', () => {
    expect(idFromFileName('/x/WW_vs_TT_dataset.h5')).toBe('ww-vs-tt-dataset');
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '1', '-1/3', 'a/b', '0/0']) expect(() => parseShard(bad)).toThrow(/--shard: .* is not a shard/);
    const ids = template.runs.map((r) => r.id);
    const shards = [0, 1, 2].map((i) => shardRuns(template, { index: i, count: 3 }));
    expect(shards[0][0]).toBe(ids[0]);
    expect(shards[1][0]).toBe(ids[1]);
    expect(shards[0][1]).toBe(ids[3]);
    expect(shards.flat().sort()).toEqual([...ids].sort());
  });

  it('split sizes match the precompute split (quick keeps 10 %, but at least 2,000 events)', () => {
    const small = splitSizes(400, 600, template, 'quick');
    expect(small.used).toBe(1000);
    expect(small.train + small.val + small.test).toBe(1000);
    const large = splitSizes(40_000, 60_000, template, 'quick');
    expect(large.used).toBe(10_000);
    expect(large.train + large.val + large.test).toBe(10_000);
    expect(splitSizes(400, 600, template, 'full').used).toBe(1000);
  });
});

describe('npm run book (subprocess)', () => {
  it('--dry-run prints the runs, the events per split and a measured time estimate, and writes nothing', () => {
    const root = scratchRoot('dry');
    const before = listAll(root);
    const r = cli('precompute/cli/book.ts', ['--data', FIXTURE, '--id', 'course-small', '--dry-run', '--backend', 'wasm', '--jobs', '1'], root);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toContain('400 signal ("Signal") + 600 background ("Background") events');
    expect(r.out).toMatch(/Events per split \(quick profile, 1,000 of 1,000 events, seed 42, stratified\): train \d+, validation \d+, test \d+/);
    const s = splitSizes(400, 600, template, 'quick');
    expect(r.out).toContain(`train ${s.train}, validation ${s.val}, test ${s.test}`);
    expect(r.out).toContain('Backend: wasm');
    for (const run of template.runs) expect(r.out).toMatch(new RegExp(`\\n  ${run.id} +${run.featureSet} \\(\\d+ inputs\\), \\d+ epochs, batch [\\d,]+: ~[\\d,]+ events/s`));
    expect(r.out).toMatch(/Estimated training time: \S+ on 1 worker thread/);
    expect(listAll(root)).toEqual(before);
  });

  it('a file lacking an F5 column: the dry run names the column, the runs and what they train on', () => {
    const root = scratchRoot('no-angle');
    const r = cli('precompute/cli/book.ts', ['--data', join(tmp, 'no-angle.h5'), '--id', 'no-angle', '--dry-run', '--backend', 'wasm', '--jobs', '1'], root);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toMatch(/note: Feature set F5 needs "angle_between_jets", which \S*no-angle\.h5 lacks: its runs \(r08-f5-sigmoid-sgd, .*r13-f5-notebook-lr0005 \(6 runs\)\) train on the 4 remaining columns/);
    expect(r.out).toMatch(/F5 \(4: Njets, HT_all, combined_leptons_mass, angle_between_leptons\)/);
  });

  it('a file without any F5 column stops with a clear message and no stack trace', () => {
    const root = scratchRoot('no-f5');
    const r = cli('precompute/cli/book.ts', ['--data', join(tmp, 'no-f5.h5'), '--id', 'no-f5', '--backend', 'wasm'], root);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no-f5\.h5: none of the 5 columns of feature set F5 .* is in the file/);
    expect(r.err).toContain('What to do:');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, 'content/datasets/no-f5.json'))).toBe(false);
  });

  it('validation errors of the reader reach the user unchanged (missing class table, unknown feature)', () => {
    const root = scratchRoot('bad');
    const a = cli('precompute/cli/book.ts', ['--data', FIXTURE, '--signal', 'HWW', '--background', 'Background', '--dry-run'], root);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/Cannot use \S*course-layout-small\.h5: there is no "HWW" dataset for the signal class/);
    const b = cli('precompute/cli/book.ts', ['--data', FIXTURE, '--features', 'HT_all,nope', '--dry-run'], root);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/has no column "nope"/);
    const c = cli('precompute/cli/book.ts', ['--data', join(tmp, 'absent.h5')], root);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/absent\.h5: the file does not exist/);
  });
});

describe('--shard i/n and merge', () => {
  const ID = 'shard-small';
  let root: string;
  beforeAll(() => {
    root = join(tmp, 'shards');
    mkdirSync(join(root, 'content/datasets'), { recursive: true });
    const run = (id: string, fs: string, hidden: number[]) => ({
      id, title: id, featureSet: fs, standardize: true, model: { hidden, activation: 'relu' }, optimizer: { type: 'adam', lr: 0.01 }, epochs: 2, batchSize: 64,
    });
    writeFileSync(join(root, 'content/datasets', `${ID}.json`), JSON.stringify({
      id: ID, title: 'shards of the course-layout fixture', source: FIXTURE, classes: { signal: 'Signal', background: 'Background' },
      featureSets: { F5, F3: F5.slice(0, 3) }, split: { train: 0.6, val: 0.2, test: 0.2, seed: 7 },
      runs: [run('a', 'F5', [8]), run('b', 'F3', [4]), run('c', 'F5', [6, 3])],
    }));
  });

  it('two shards train disjoint runs into their own directories; merge publishes every run with one valid manifest', () => {
    const args = ['--dataset', ID, '--profile', 'full', '--backend', 'wasm', '--jobs', '1'];
    const s0 = cli('precompute/cli/precompute.ts', [...args, '--shard', '0/2'], root);
    expect(s0.code, s0.all).toBe(0);
    const s1 = cli('precompute/cli/precompute.ts', [...args, '--shard', '1/2'], root);
    expect(s1.code, s1.all).toBe(0);
    const m0 = JSON.parse(readFileSync(join(root, 'precomputed-shards/shard-0-of-2', ID, 'manifest.json'), 'utf8'));
    const m1 = JSON.parse(readFileSync(join(root, 'precomputed-shards/shard-1-of-2', ID, 'manifest.json'), 'utf8'));
    expect(m0.runs.map((r: { id: string }) => r.id)).toEqual(['a', 'c']);
    expect(m1.runs.map((r: { id: string }) => r.id)).toEqual(['b']);
    expect(m0.shard).toEqual({ index: 0, count: 2, runs: ['a', 'c'] });
    expect(existsSync(join(root, 'public/precomputed', ID))).toBe(false);

    // One shard alone is not the whole grid.
    const partial = cli('precompute/cli/precompute.ts', ['merge', '--dataset', ID, join('precomputed-shards/shard-0-of-2', ID)], root);
    expect(partial.code).toBe(1);
    expect(partial.err).toContain('the shards do not hold every run: missing b (shard 1/2)');
    expect(existsSync(join(root, 'public/precomputed', ID))).toBe(false);

    const merged = cli('precompute/cli/precompute.ts', ['merge', '--dataset', ID], root);
    expect(merged.code, merged.all).toBe(0);
    const dir = join(root, 'public/precomputed', ID);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(validateManifest(m).ok).toBe(true);
    expect(m.shard).toBeUndefined();
    expect(m.runs.map((r: { id: string }) => r.id)).toEqual(['a', 'b', 'c']);
    expect(m.backend.name).toBe('wasm');
    for (const id of ['a', 'b', 'c']) {
      expect(readFileSync(join(dir, 'runs', id, 'weights.bin'))).toEqual(
        readFileSync(join(root, 'precomputed-shards', id === 'b' ? 'shard-1-of-2' : 'shard-0-of-2', ID, 'runs', id, 'weights.bin')));
    }
    expect(readdirSync(join(root, 'public/precomputed')).filter((n) => n !== ID)).toEqual([]);

    // The merged runs are the book's: a later precompute reuses all of them.
    const again = cli('precompute/cli/precompute.ts', ['--dataset', ID, '--backend', 'wasm', '--jobs', '1'], root);
    expect(again.code, again.all).toBe(0);
    expect(again.all.match(/cache hit/g)).toHaveLength(3);
  });
});
