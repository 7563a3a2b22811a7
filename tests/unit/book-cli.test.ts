/**
 * `npm run book` and the shard/merge path, as an instructor runs them: the feature-set rules
 * (pure), the CLI's dry run and its messages in a subprocess, and two shards merged into the
 * published directory. Everything runs in temporary directories; the repository is not touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { deriveConfig, idFromFileName, parseShard, shardRuns, loadTemplate } from '../../precompute/book/dataset-config';
import { classParts, splitProblem, splitSizes } from '../../precompute/book/estimate';
import { checkJobs } from '../../precompute/cli/training-options';
import { snapshot } from '../../precompute/book/rollback';
import { QUICK_MAX_EPOCHS } from '../../precompute/train/prepare';
import { stratifiedSplit, stratifiedSubsample } from '../../core/split';
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

function canResolve(pkg: string): boolean {
  try { createRequire(join(repo, 'package.json')).resolve(pkg); return true; } catch { return false; }
}

const noTraceIn = (err: string) => expect(err).not.toMatch(/\n\s+at /);

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
  // One event per class: nothing to validate or test on.
  const one = (c: typeof full.table.signal) => ({ key: c.key, count: 1, columns: Object.fromEntries(full.table.features.map((f) => [f, c.columns[f].slice(0, 1)])) });
  await writeEventFile(join(tmp, 'two.h5'), full.table.features, { Signal: one(full.table.signal), Background: one(full.table.background) });
  // A two-run grid, so that the subprocess tests that train or time the networks stay short.
  writeFileSync(join(tmp, 'tiny-template.json'), JSON.stringify({
    ...template, id: 'tiny', runs: [
      { ...template.runs.find((r) => r.featureSet === 'F5')!, id: 'a', epochs: 1, batchSize: 256, model: { hidden: [4], activation: 'relu' } },
      { ...template.runs.find((r) => r.featureSet === 'F26')!, id: 'b', epochs: 1, batchSize: 256, model: { hidden: [4], activation: 'relu' } },
    ],
  }));
});

/** Everything under a scratch root, with contents, to show that a command left it as it was. */
function contents(root: string): Record<string, string> {
  return Object.fromEntries(listAll(root).map((f) => [f.slice(root.length + 1), readFileSync(f, 'utf8')]));
}

/** An instructor's dataset that already exists under the id (an earlier run of npm run book). */
function withExisting(root: string, id: string): string {
  const text = `${JSON.stringify({ ...template, id, title: 'an earlier version', source: FIXTURE, generator: undefined }, null, 2)}\n`;
  writeFileSync(join(root, 'content/datasets', `${id}.json`), text);
  return text;
}

afterAll(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('dataset configuration from a file (pure rules)', () => {
  const base = { template, id: 'x', title: 't', source: 'data/x.h5', fileLabel: 'x.h5', classes: { signal: 'Signal', background: 'Background' } };

  it('keeps the run grid and split; intersects feature sets with the file columns', () => {
    const cols = [...template.featureSets.F26].filter((c) => c !== 'angle_between_jets' && c !== 'jet1_mass');
    const { config, changes, notes } = deriveConfig({ ...base, columns: cols });
    expect(config.runs.map((r) => r.id)).toEqual(template.runs.map((r) => r.id));
    expect(config.split).toEqual(template.split);
    expect(config.featureSets.F5).toEqual(F5.filter((c) => c !== 'angle_between_jets'));
    // 24 columns are not "F26": the set is named for what it holds, its runs and titles follow.
    expect(config.featureSets.F26).toBeUndefined();
    expect(config.featureSets.all).toHaveLength(24);
    for (const [i, r] of config.runs.entries()) {
      expect(r.featureSet).toBe(template.runs[i].featureSet === 'F26' ? 'all' : 'F5');
      expect(r.title).not.toMatch(/\bF26\b/);
    }
    expect(config.runs.find((r) => r.id === 'r02-f26-sgd')!.title).toMatch(/^all 24 columns standardised/);
    expect(notes.find((n) => n.startsWith('Feature set F26 of the course becomes "all" here'))).toMatch(/train on the 24 columns of the F26 list that x\.h5 has \(2 missing: jet1_mass, angle_between_jets\)/);
    expect(changes.find((c) => c.set === 'all')!.missing).toEqual(['jet1_mass', 'angle_between_jets']);
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
    const { config, notes } = deriveConfig({ ...base, columns: template.featureSets.F26, features: ['HT_all', 'Njets', 'MissingEnergy'] });
    expect(config.featureSets).toEqual({ all: ['HT_all', 'Njets', 'MissingEnergy'], F5: ['Njets', 'HT_all'] });
    expect(notes[0]).toMatch(/^Feature set all \(the course's F26\) \(r01-f26-unscaled-sgd, .*\) uses the 3 columns given with --features\.$/);
    const one = deriveConfig({ ...base, columns: template.featureSets.F26, features: ['HT_all'] });
    expect(one.notes[0]).toMatch(/uses the column given with --features\.$/);
  });

  it('a file with all 26 columns keeps the names F26 and F5 (the chapters cite them)', () => {
    const { config, notes } = deriveConfig({ ...base, columns: template.featureSets.F26 });
    expect(config.featureSets).toEqual(template.featureSets);
    expect(config.runs).toEqual(template.runs);
    expect(notes).toEqual([]);
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

  it('the counted split is the one core/split.ts makes, class by class', () => {
    for (const [sig, bkg, profile] of [[1, 1, 'full'], [3, 7, 'full'], [5, 5, 'quick'], [13, 2_500, 'quick'], [9_999, 20_001, 'quick'], [400, 600, 'full']] as const) {
      const labels = new Float32Array(sig + bkg).fill(1, 0, sig);
      const fraction = profile === 'quick' && sig + bkg > 2_000 ? Math.max(0.1, 2_000 / (sig + bkg)) : 1;
      const kept = fraction < 1 ? Float32Array.from(stratifiedSubsample(labels, fraction, 43), (i) => labels[i]) : labels;
      const s = stratifiedSplit(kept, 42, template.split);
      const count = (idx: Uint32Array, y: number) => Array.from(idx).filter((i) => kept[i] === y).length;
      const sizes = splitSizes(sig, bkg, template, profile);
      expect(sizes.signal).toEqual({ used: count(s.train, 1) + count(s.val, 1) + count(s.test, 1), train: count(s.train, 1), val: count(s.val, 1), test: count(s.test, 1) });
      expect(sizes.background).toEqual({ used: count(s.train, 0) + count(s.val, 0) + count(s.test, 0), train: count(s.train, 0), val: count(s.val, 0), test: count(s.test, 0) });
    }
    expect(classParts(5, 1, template.split)).toEqual({ used: 5, train: 3, val: 1, test: 1 });
  });

  it('a split with an empty part for a class is a problem that says how many events the file needs', () => {
    const names = { signal: 'Signal', background: 'Background' };
    expect(splitProblem(5, 5, template, 'full', names)).toBeNull();
    const two = splitProblem(1, 1, template, 'quick', names)!;
    expect(two.problem).toContain('signal ("Signal"): 1 event → training 1, validation 0, test 0 (none for validation or test)');
    expect(two.todo).toBe('use a file with at least 5 signal events and 5 background events.');
    // A rare class in a large file: the quick profile keeps a tenth of it.
    const rare = splitProblem(3, 30_000, template, 'quick', names)!;
    expect(rare.problem).toContain('signal ("Signal"): 1 kept of 3 events → training 1');
    expect(rare.problem).not.toContain('background (');
    expect(rare.todo).toBe('use a file with at least 45 signal events with the quick profile (5 with --profile full).');
    expect(splitProblem(40, 30_000, template, 'quick', names)!.todo).toMatch(/^run with --profile full, which keeps every event/);
    expect(splitProblem(40, 30_000, template, 'full', names)).toBeNull();
  });

  it('--jobs: a whole number of at least 1, clamped to the cores', () => {
    for (const bad of ['-2', '0', '1.5', 'two', '']) expect(() => checkJobs(bad, 4)).toThrow(/^--jobs: .*it must be a whole number of at least 1\.\nWhat to do: pass a whole number from 1 to 4/);
    expect(checkJobs('3', 4)).toEqual({ jobs: 3 });
    expect(checkJobs('1000', 4)).toEqual({ jobs: 4, note: expect.stringMatching(/^--jobs 1000: this machine has 4 CPU cores, so 4 worker threads will train/) });
  });

  it('a snapshot puts files back and removes what did not exist', () => {
    const root = join(tmp, 'snapshot');
    mkdirSync(join(root, 'content/datasets'), { recursive: true });
    writeFileSync(join(root, 'content/book.json'), '{"defaultDataset": "a"}\n');
    // y was there before: restoring leaves it.
    mkdirSync(join(root, 'public/precomputed/y'), { recursive: true });
    writeFileSync(join(root, 'public/precomputed/y/manifest.json'), '{}');
    const snap = snapshot(root, ['content/book.json', 'content/datasets/x.json'], ['public/precomputed/x', 'public/precomputed/y']);
    const before = contents(root);
    writeFileSync(join(root, 'content/book.json'), '{"defaultDataset": "x"}\n');
    writeFileSync(join(root, 'content/datasets/x.json'), '{}');
    mkdirSync(join(root, 'public/precomputed/x/runs'), { recursive: true });
    writeFileSync(join(root, 'public/precomputed/x/manifest.json'), '{}');
    expect(snap.restore()).toEqual(['restored content/book.json', 'removed content/datasets/x.json', 'removed public/precomputed/x/']);
    expect(contents(root)).toEqual(before);
    expect(snap.restore()).toEqual([]);
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

describe('npm run book checks everything before it writes anything, and undoes what it wrote when training fails', () => {
  const book = (...args: string[]) => (root: string) => cli('precompute/cli/book.ts', args, root);

  it.skipIf(canResolve('@tensorflow/tfjs-node'))('a backend that cannot load stops the command before content/datasets/<id>.json is written', () => {
    const root = scratchRoot('backend');
    const before = contents(root);
    const r = book('--data', FIXTURE, '--id', 'x', '--backend', 'node', '--no-build')(root);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--backend node: the backend cannot run here: @tensorflow\/tfjs-node is not installed/);
    expect(r.err).toContain('What to do: install it');
    expect(r.out).not.toContain('wrote content/datasets');
    noTraceIn(r.err);
    expect(contents(root)).toEqual(before);
  });

  it('a file too small to split is an error in the dry run and the real run, with the events it would need; nothing is written', () => {
    const root = scratchRoot('two');
    const before = contents(root);
    for (const extra of [['--dry-run'], ['--no-build']]) {
      const r = book('--data', join(tmp, 'two.h5'), '--id', 'two', '--backend', 'wasm', ...extra)(root);
      expect(r.code, r.all).toBe(1);
      expect(r.out).toContain('1 signal ("Signal") + 1 background ("Background") events');
      expect(r.err).toMatch(/two\.h5: too few events to split \(quick profile, 80% training, 10% validation, 10% test per class\): signal \("Signal"\): 1 event → training 1, validation 0, test 0 \(none for validation or test\)/);
      expect(r.err).toContain('What to do: use a file with at least 5 signal events and 5 background events.');
      expect(r.all).not.toContain('Dry run: nothing is written');
      expect(r.all).not.toContain('Training the runs');
      noTraceIn(r.err);
      expect(contents(root)).toEqual(before);
    }
  });

  it('when training fails, content/datasets/<id>.json is put back and content/book.json is unchanged', () => {
    const root = scratchRoot('rollback');
    const earlier = withExisting(root, 'x');
    // public/precomputed as a file: the precompute cannot write its output and fails.
    mkdirSync(join(root, 'public'));
    writeFileSync(join(root, 'public/precomputed'), '');
    const before = contents(root);
    const r = book('--data', FIXTURE, '--id', 'x', '--backend', 'wasm', '--jobs', '1', '--template', join(tmp, 'tiny-template.json'), '--no-build')(root);
    expect(r.code, r.all).toBe(1);
    expect(r.out).toContain('replaced content/datasets/x.json');
    expect(r.err).toContain('The book is as it was before this command: restored content/datasets/x.json.');
    expect(r.err).toContain('npm run book: Training the runs of "x" (quick profile) failed');
    expect(contents(root)).toEqual(before);
    expect(readFileSync(join(root, 'content/datasets/x.json'), 'utf8')).toBe(earlier);

    rmSync(join(root, 'content/datasets/x.json'));
    const again = book('--data', FIXTURE, '--id', 'x', '--backend', 'wasm', '--jobs', '1', '--template', join(tmp, 'tiny-template.json'), '--no-build')(root);
    expect(again.code, again.all).toBe(1);
    expect(again.err).toContain('The book is as it was before this command: removed content/datasets/x.json.');
    expect(existsSync(join(root, 'content/datasets/x.json'))).toBe(false);
  });

  it('a broken content/book.json is reported before training', () => {
    const root = scratchRoot('broken-book');
    writeFileSync(join(root, 'content/book.json'), '{"defaultDataset": ');
    const before = contents(root);
    const r = book('--data', FIXTURE, '--id', 'x', '--backend', 'wasm', '--template', join(tmp, 'tiny-template.json'), '--no-build')(root);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/content\/book\.json: it is not valid JSON/);
    expect(r.all).not.toContain('Training the runs');
    expect(contents(root)).toEqual(before);
  });

  it('a successful run writes the configuration, the runs and the default', () => {
    const root = scratchRoot('success');
    const r = book('--data', FIXTURE, '--id', 'x', '--backend', 'wasm', '--jobs', '1', '--template', join(tmp, 'tiny-template.json'), '--no-build')(root);
    expect(r.code, r.all).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'content/book.json'), 'utf8'))).toEqual({ defaultDataset: 'x' });
    expect(JSON.parse(readFileSync(join(root, 'content/datasets/x.json'), 'utf8')).runs.map((q: { id: string }) => q.id)).toEqual(['a', 'b']);
    expect(validateManifest(JSON.parse(readFileSync(join(root, 'public/precomputed/x/manifest.json'), 'utf8'))).ok).toBe(true);
  });

  it('--dry-run with an existing id says the configuration would be replaced, and leaves it', () => {
    const root = scratchRoot('dry-existing');
    withExisting(root, 'x');
    const before = contents(root);
    const r = book('--data', FIXTURE, '--id', 'x', '--backend', 'wasm', '--jobs', '1', '--template', join(tmp, 'tiny-template.json'), '--dry-run')(root);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toContain('content/datasets/x.json exists: it would be replaced');
    expect(r.out).toContain('Without --dry-run this replaces content/datasets/x.json');
    expect(contents(root)).toEqual(before);
    const fresh = book('--data', FIXTURE, '--id', 'y', '--backend', 'wasm', '--jobs', '1', '--template', join(tmp, 'tiny-template.json'), '--dry-run')(root);
    expect(fresh.code, fresh.all).toBe(0);
    expect(fresh.out).not.toContain('would be replaced');
  });
});

describe('option messages of npm run book and npm run precompute', () => {
  it('--profile: the help describes the profiles as the precompute runs them', () => {
    const root = scratchRoot('profile');
    for (const script of ['precompute/cli/book.ts', 'precompute/cli/precompute.ts']) {
      const r = cli(script, [...(script.endsWith('book.ts') ? ['--data', FIXTURE] : []), '--profile', 'slow'], root);
      expect(r.code).toBe(1);
      expect(r.err).toContain('--profile: "slow" is not a profile.');
      expect(r.err).toContain(`at most ${QUICK_MAX_EPOCHS} epochs per mini-batch run; full-batch runs keep all their epochs`);
      expect(r.err).toContain('10% of the events, stratified (at least 2,000, or all of a smaller file)');
      expect(r.err).not.toMatch(/at most 5 epochs/);
    }
  });

  it('--jobs: negative, zero and fractional values get a clear message; too many are clamped to the cores', () => {
    const root = scratchRoot('jobs');
    const before = contents(root);
    for (const [script, bad] of [['precompute/cli/book.ts', '-2'], ['precompute/cli/book.ts', '0'], ['precompute/cli/book.ts', '1.5'], ['precompute/cli/precompute.ts', '-2']]) {
      const r = cli(script, [...(script.endsWith('book.ts') ? ['--data', FIXTURE] : []), '--jobs', bad], root);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`--jobs: "${bad}" is not a number of worker threads: it must be a whole number of at least 1.`);
      expect(r.err).not.toMatch(/ambiguous|usage:/);
    }
    const cores = availableParallelism();
    const r = cli('precompute/cli/book.ts', ['--data', FIXTURE, '--id', 'x', '--backend', 'wasm', '--jobs', '1000', '--dry-run'], root);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toContain(`note: --jobs 1000: this machine has ${cores} CPU core${cores === 1 ? '' : 's'}, so ${cores} worker thread`);
    const threads = Math.min(cores, template.runs.length);
    expect(r.out).toMatch(new RegExp(`Estimated training time: \\S+ on ${threads} worker thread${threads === 1 ? ' ' : 's '}`));
    expect(contents(root)).toEqual(before);
  });

  it('one column: the plurals are right and the largest set is not called F26', () => {
    const root = scratchRoot('one-column');
    const r = cli('precompute/cli/book.ts', ['--data', FIXTURE, '--id', 'x', '--features', 'HT_all', '--backend', 'wasm', '--jobs', '1', '--dry-run'], root);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toContain('1 column used');
    expect(r.out).toMatch(/note: Feature set all \(the course's F26\) \(r01-f26-unscaled-sgd, .*\) uses the column given with --features\./);
    expect(r.out).toContain('feature sets all (1: HT_all); F5 (1: HT_all)');
    expect(r.out).toMatch(/\n  r01-f26-unscaled-sgd +all \(1 input\), 50 epochs/);
    expect(r.out).not.toMatch(/F26 \(|\b1 (columns|inputs)\b/);
  });
});

describe('the build\'s prepare step checks the book\'s dataset first', () => {
  it('a defaultDataset without its content/datasets/<id>.json stops with the datasets there are', () => {
    const root = scratchRoot('prepare');
    writeFileSync(join(root, 'content/book.json'), JSON.stringify({ defaultDataset: 'gone' }));
    const before = contents(root);
    const r = cli('precompute/cli/prepare-book.ts', [], root);
    expect(r.code).toBe(1);
    expect(r.err).toContain('content/book.json makes "gone" the book\'s dataset ("defaultDataset"), but content/datasets/gone.json does not exist');
    expect(r.err).toContain('Set "defaultDataset" in content/book.json to one of the datasets there are ("ww-vs-tt-sim")');
    expect(r.all).not.toContain('Simulating');
    noTraceIn(r.err);
    expect(contents(root)).toEqual(before);

    const env = spawnSync(tsx, [join(repo, 'precompute/cli/prepare-book.ts')], { cwd: root, env: { ...process.env, NN4HEP_DATASET: 'nope' }, encoding: 'utf8' });
    expect(env.status).toBe(1);
    expect(env.stderr).toContain('NN4HEP_DATASET is "nope", but content/datasets/nope.json does not exist');
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
