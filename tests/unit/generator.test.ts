/**
 * The built-in H→WW* vs tt̄ generator: the physics targets of
 * shared/docs/physics-generator.md on a 50k-event sample, determinism, and the
 * file it writes (read back by our reader and, when Debian's python3-h5py is
 * installed, by pandas exactly as the course does); and the clear refusals of
 * data:generate and data:calibrate for bad options, output paths and writes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COURSE_FEATURES } from '../../core/events';
import { createRng } from '../../core/rng';
import { tableSha256 } from '../../precompute/data/hash';
import { readEventFile } from '../../precompute/data/read';
import { writeError, writeEventFile } from '../../precompute/data/write';
import {
  DEFAULT_GENERATOR_OPTIONS, type GeneratedSample, MAX_EVENTS, MAX_SEED, generateSample, validateOptions,
} from '../../precompute/generator/generate';
import { generateSampleParallel } from '../../precompute/generator/parallel';
import { decayHiggs, produceHiggs, sampleHelicityCos } from '../../precompute/generator/physics';
import { type CliResult, STACK_OR_DUMP, partialFiles, runCli, shareDir } from './helpers/cli';
import { tempDir } from './helpers/event-files';

const repo = resolve(__dirname, '../..');
const tsx = join(repo, 'node_modules/.bin/tsx');
const PYTHON = '/usr/bin/python3';
const hasH5py = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import h5py, pandas'], { encoding: 'utf8' }).status === 0;

const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
const median = (a: Float64Array) => { const s = Float64Array.from(a).sort(); return s[s.length >> 1]; };
const hist = (a: Float64Array, n: number) => {
  const h = new Array(n).fill(0);
  for (const v of a) h[Math.min(v, n - 1)] += 1 / a.length;
  return h;
};

let sample: GeneratedSample;
let tmp: ReturnType<typeof tempDir>;

beforeAll(() => {
  sample = generateSample({ events: 50_000, seed: 1 });
  tmp = tempDir('nn4hep-gen-');
});
afterAll(() => tmp?.cleanup());

describe('physics targets (50k events, seed 1)', () => {
  it('has the requested size, class split and the 26 columns', () => {
    expect(sample.features).toEqual([...COURSE_FEATURES]);
    expect(sample.signal.count).toBe(20_000);
    expect(sample.background.count).toBe(30_000);
  });

  it('signal dilepton mass: mean 35-45 GeV, well below tt̄', () => {
    const s = mean(sample.signal.columns.combined_leptons_mass);
    const b = mean(sample.background.columns.combined_leptons_mass);
    expect(s).toBeGreaterThan(35);
    expect(s).toBeLessThan(45);
    expect(b).toBeGreaterThan(s + 40);
  });

  it('the charged leptons are closer together in signal (spin correlation)', () => {
    expect(mean(sample.signal.columns.angle_between_leptons)).toBeLessThan(0.7 * mean(sample.background.columns.angle_between_leptons));
  });

  it('Njets peaks at 2 for both classes, with a longer tail for tt̄', () => {
    const s = hist(sample.signal.columns.Njets, 8), b = hist(sample.background.columns.Njets, 8);
    expect(s[0] + s[1]).toBe(0); // the selection asks for at least two jets
    expect(b[0] + b[1]).toBe(0);
    for (let k = 3; k < 8; k++) {
      expect(s[2]).toBeGreaterThan(s[k]);
      expect(b[2]).toBeGreaterThan(b[k]);
    }
    expect(s[2]).toBeGreaterThan(b[2]); // sharper peak for signal
    expect(mean(sample.background.columns.Njets)).toBeGreaterThan(mean(sample.signal.columns.Njets));
    expect(b[4] + b[5] + b[6] + b[7]).toBeGreaterThan(s[4] + s[5] + s[6] + s[7]);
  });

  it('HT_all is lower for signal', () => {
    expect(mean(sample.signal.columns.HT_all)).toBeLessThan(mean(sample.background.columns.HT_all));
    expect(median(sample.signal.columns.HT_all)).toBeLessThan(median(sample.background.columns.HT_all));
  });

  it('MET is positive; energies are at least |p|; masses and angles are in range', () => {
    for (const cls of [sample.signal, sample.background]) {
      const c = cls.columns;
      for (let i = 0; i < cls.count; i++) {
        expect(c.MissingEnergy[i] > 0).toBe(true);
        for (const o of ['lepton0', 'lepton1', 'jet0', 'jet1']) {
          const p = Math.hypot(c[`${o}_px`][i], c[`${o}_py`][i], c[`${o}_pz`][i]);
          if (!(c[`${o}_energy`][i] >= p * (1 - 1e-12))) throw new Error(`${o}: E ${c[`${o}_energy`][i]} < |p| ${p} in event ${i}`);
        }
        expect(c.angle_between_leptons[i] >= 0 && c.angle_between_leptons[i] <= Math.PI).toBe(true);
        expect(c.angle_between_jets[i] >= 0 && c.angle_between_jets[i] <= Math.PI).toBe(true);
      }
      // leptons ordered by pT, above the selection thresholds
      for (let i = 0; i < cls.count; i += 97) {
        const pt0 = Math.hypot(c.lepton0_px[i], c.lepton0_py[i]), pt1 = Math.hypot(c.lepton1_px[i], c.lepton1_py[i]);
        expect(pt0).toBeGreaterThanOrEqual(pt1);
        expect(pt0).toBeGreaterThan(22);
        expect(pt1).toBeGreaterThan(15);
      }
    }
    expect(median(sample.signal.columns.lepton0_mass)).toBeLessThan(0.11); // e or μ
    expect(mean(sample.background.columns.jet1_mass)).toBeGreaterThan(1);
  });

  it('the H→WW* decay: median W* mass ≈ 32 GeV, and the spin weight lowers m_ll', () => {
    const rng = createRng(5);
    const m: number[] = [];
    for (let i = 0; i < 20_000; i++) m.push(decayHiggs(rng, produceHiggs(rng, [])).wStarMass!);
    m.sort((a, b) => a - b);
    expect(m[m.length >> 1]).toBeGreaterThan(29);
    expect(m[m.length >> 1]).toBeLessThan(35);
    const off = generateSample({ events: 10_000, seed: 1, spinCorrelation: false });
    expect(mean(off.signal.columns.combined_leptons_mass) - mean(sample.signal.columns.combined_leptons_mass)).toBeGreaterThan(4);
  });

  it('W helicity in top decays: ⟨cosθ*⟩ = (F_R − F_L)/2', () => {
    const rng = createRng(9);
    let s = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) s += sampleHelicityCos(rng);
    // ∫c [¾F0(1−c²) + ⅜FL(1−c)² + ⅜FR(1+c)²] dc = (FR − FL)/2
    expect(s / n).toBeCloseTo((0.0017 - 0.311) / 2, 2);
  });
});

describe('determinism and the written file', () => {
  it('the same seed gives the same table (SHA-256); another seed does not', () => {
    const a = generateSample({ events: 3000, seed: 42 });
    const b = generateSample({ events: 3000, seed: 42 });
    const c = generateSample({ events: 3000, seed: 43 });
    const h = (s: GeneratedSample) => tableSha256({ features: s.features, signal: s.signal, background: s.background });
    expect(h(a)).toBe(h(b));
    expect(h(a)).not.toBe(h(c));
  });

  it('worker threads make the same sample as one thread, for any number of threads', async () => {
    const h = (s: GeneratedSample) => tableSha256({ features: s.features, signal: s.signal, background: s.background });
    const opts = { events: 30_000, seed: 3, signalFraction: 0.5 }; // 2 chunks per class
    const one = generateSample(opts);
    const two = await generateSampleParallel(opts, 2);
    const three = await generateSampleParallel(opts, 3);
    expect(h(two)).toBe(h(one));
    expect(h(three)).toBe(h(one));
    expect(two.stats.signal.simulated).toBe(one.stats.signal.simulated);
  });

  it('generate → write → read gives back the same table, Njets as int64', async () => {
    const out = join(tmp.dir, 'round-trip.h5');
    const table = { features: sample.features, signal: sample.signal, background: sample.background };
    await writeEventFile(out, sample.features, { Signal: sample.signal, Background: sample.background });
    const r = await readEventFile(out);
    expect(r.sources.signal.columns.find((c) => c.name === 'Njets')?.type).toBe('int64');
    expect(r.table.features).toEqual(sample.features);
    expect(tableSha256(r.table)).toBe(tableSha256(table));
  });

  it('npm run data:generate writes the file and prints the SHA-256 of the same table the library makes', () => {
    const out = join(tmp.dir, 'cli.h5');
    const r = spawnSync(tsx, [join(repo, 'precompute/cli/generate.ts'), '--events', '4000', '--seed', '7', '--signal-fraction', '0.3', '--out', out],
      { cwd: repo, encoding: 'utf8', timeout: 110_000 });
    expect(r.status, r.stderr).toBe(0);
    const s = generateSample({ events: 4000, seed: 7, signalFraction: 0.3 });
    expect(s.signal.count).toBe(1200);
    expect(r.stdout).toContain(tableSha256({ features: s.features, signal: s.signal, background: s.background }));
    expect(existsSync(out)).toBe(true);
    const bad = spawnSync(tsx, [join(repo, 'precompute/cli/generate.ts'), '--signal-fraction', '1.5'], { cwd: repo, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--signal-fraction must be between 0 and 1');
  });

  it.runIf(hasH5py)('pandas reads the file as the course does: pd.DataFrame(h5py.File(f)["Signal"][:])', async () => {
    const out = join(tmp.dir, 'pandas.h5');
    await writeEventFile(out, sample.features, { Signal: sample.signal, Background: sample.background });
    const script = [
      'import sys, json, h5py, pandas as pd',
      'f = h5py.File(sys.argv[1], "r")',
      'out = {}',
      'for k in ("Signal", "Background"):',
      '    df = pd.DataFrame(f[k][:])',
      '    out[k] = {"shape": list(df.shape), "columns": list(df.columns), "njets": str(df["Njets"].dtype),',
      '              "first": df.iloc[0].tolist(), "mll_mean": float(df["combined_leptons_mass"].mean())}',
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const py = JSON.parse(r.stdout);
    for (const [k, cls] of [['Signal', sample.signal], ['Background', sample.background]] as const) {
      expect(py[k].shape).toEqual([cls.count, 26]);
      expect(py[k].columns).toEqual([...COURSE_FEATURES]);
      expect(py[k].njets).toBe('int64');
      expect(py[k].first).toEqual(COURSE_FEATURES.map((f) => cls.columns[f][0]));
      expect(py[k].mll_mean).toBeCloseTo(mean(cls.columns.combined_leptons_mass), 9);
    }
  });
});

describe('data:generate and data:calibrate refuse bad options and output paths with a clear message', () => {
  const generate = (...args: string[]) => runCli('precompute/cli/generate.ts', args);
  /** A refusal: the exit code, the message, no stack trace, and no simulation before it. */
  const refused = (r: CliResult, code: number, ...says: string[]) => {
    expect(r.code, r.err).toBe(code);
    for (const s of says) expect(r.err).toContain(s);
    expect(r.err).not.toMatch(STACK_OR_DUMP);
    expect(r.out).not.toContain('Simulating');
  };

  it('an existing target that is not a regular file (a directory, a FIFO) is refused before simulating, and left as it was', async () => {
    const dir = join(tmp.dir, 'a-folder');
    mkdirSync(dir);
    const fifo = join(tmp.dir, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    const [d, f] = await Promise.all([generate('--events', '100', '--out', dir), generate('--events', '100', '--out', fifo)]);
    refused(d, 1, `Cannot write ${dir}: it is a directory, not a regular file`, 'What to do:');
    refused(f, 1, `Cannot write ${fifo}: it is a named pipe (FIFO), not a regular file`);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(partialFiles(tmp.dir)).toEqual([]);
  });

  it('an empty path, a trailing slash and a file where a folder should be are refused before simulating', async () => {
    const file = join(tmp.dir, 'plain-file');
    writeFileSync(file, 'x');
    const [empty, slash, underFile] = await Promise.all([
      generate('--events', '100', '--out', ''),
      generate('--events', '100', '--out', `${tmp.dir}/new-folder/`),
      generate('--events', '100', '--out', join(file, 'sub', 'x.h5')),
    ]);
    refused(empty, 1, 'Cannot write "": the output path is empty', '--out data/events.h5');
    refused(slash, 1, 'the path ends with a slash', `--out ${tmp.dir}/new-folder/events.h5`);
    refused(underFile, 1, `${file} is a file, not a folder`);
    expect(existsSync(join(tmp.dir, 'new-folder'))).toBe(false);
  });

  it('a folder that cannot be written or created in is refused before simulating (as an ordinary user)', async () => {
    const shared = join(tmp.dir, 'shared');
    mkdirSync(shared);
    shareDir(tmp.dir);
    shareDir(shared);
    const locked = join(shared, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    const [inIt, below] = await Promise.all([
      runCli('precompute/cli/generate.ts', ['--events', '100', '--out', join(locked, 'x.h5')], { unprivileged: true }),
      runCli('precompute/cli/generate.ts', ['--events', '100', '--out', join(locked, 'sub', 'x.h5')], { unprivileged: true }),
    ]);
    refused(inIt, 1, `Cannot write ${join(locked, 'x.h5')}: cannot create files in ${locked}: permission denied`, 'What to do:');
    refused(below, 1, `the folder ${join(locked, 'sub')} does not exist and cannot be created in ${locked}: permission denied`);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('a write that fails part-way (file size limit, as a full disk) gives one message and leaves no partial file', async () => {
    const dir = join(tmp.dir, 'limited');
    mkdirSync(dir);
    const out = join(dir, 'x.h5');
    // 300 events make a file of about 60 KiB; the limit stops it at 20 KiB.
    const r = await runCli('precompute/cli/generate.ts', ['--events', '300', '--out', out], { fileSizeLimitKiB: 20 });
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain('Simulating');
    expect(r.err).toContain(`Cannot write ${out}: the file is larger than this system or your limits allow`);
    expect(r.err).toContain('What to do: the file needs about 0.06 MiB');
    expect(r.err).not.toMatch(STACK_OR_DUMP);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('Ctrl-C (SIGINT) or SIGTERM while writing removes the partial file and exits 130 or 143', async () => {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const dir = join(tmp.dir, `signal-${signal}`);
      mkdirSync(dir);
      let poll: NodeJS.Timeout | undefined;
      // 200,000 events per class take a few seconds to write: signal as soon as the partial file appears.
      const r = await runCli('tests/unit/helpers/write-events.ts', [join(dir, 'x.h5'), '200000'], {
        started: (kill) => {
          poll = setInterval(() => { if (partialFiles(dir).length) { clearInterval(poll); kill(signal); } }, 5);
        },
      });
      clearInterval(poll);
      expect(r.code, `${signal}: ${r.err}`).toBe(code);
      expect(r.out).not.toContain('wrote');
      expect(readdirSync(dir), signal).toEqual([]);
    }
  });

  it('--events has an upper bound and must be a number; the class split must give each class an event', async () => {
    const [huge, empty, split, seedBig, seedNeg] = await Promise.all([
      generate('--events', '1e99'),
      generate('--events', ''),
      generate('--events', '100', '--signal-fraction', '0.999'),
      generate('--seed', '4294967297'),
      generate('--seed', '-1'),
    ]);
    refused(huge, 2, '--events must be a whole number from 2 to 5,000,000 (got 1e+99)');
    refused(empty, 2, '--events must be a number (got "")');
    refused(split, 2, 'gives 100 signal and 0 background events', 'each class needs at least 1', 'use --events 501 or more');
    refused(seedBig, 2, '--seed must be a whole number from 0 to 4294967295 (got 4294967297)');
    refused(seedNeg, 2, '--seed must be a whole number from 0 to 4294967295 (got -1)');
  });

  it('seeds do not alias: the largest seed is accepted and differs from the others', () => {
    expect(validateOptions({ ...DEFAULT_GENERATOR_OPTIONS, seed: MAX_SEED })).toBeNull();
    expect(validateOptions({ ...DEFAULT_GENERATOR_OPTIONS, seed: MAX_SEED + 1 })).toContain('--seed');
    expect(validateOptions({ ...DEFAULT_GENERATOR_OPTIONS, events: MAX_EVENTS })).toBeNull();
    expect(validateOptions({ ...DEFAULT_GENERATOR_OPTIONS, events: MAX_EVENTS + 1 })).toContain('5,000,000');
    // the smallest event count that gives each class one event passes; one fewer does not
    expect(validateOptions({ ...DEFAULT_GENERATOR_OPTIONS, events: 501, signalFraction: 0.999 })).toBeNull();
    expect(validateOptions({ ...DEFAULT_GENERATOR_OPTIONS, events: 500, signalFraction: 0.999 })).toContain('use --events 501 or more');
    const h = (seed: number) => { const s = generateSample({ events: 200, seed }); return tableSha256({ features: s.features, signal: s.signal, background: s.background }); };
    expect(new Set([h(0), h(1), h(MAX_SEED)]).size).toBe(3);
  });

  it('data:calibrate states its own minimum for every too-small --events, and the upper bound', async () => {
    const calibrate = (...args: string[]) => runCli('precompute/cli/calibrate.ts', args);
    const [one, some, huge, empty] = await Promise.all([calibrate('--events', '1'), calibrate('--events', '9999'), calibrate('--events', '1e99'), calibrate('--events', '')]);
    refused(one, 2, '--events must be at least 10000', '(got 1)');
    refused(some, 2, '--events must be at least 10000', '(got 9999)');
    refused(huge, 2, '--events must be a whole number from 2 to 5,000,000 (got 1e+99)');
    refused(empty, 2, '--events must be a number (got "")');
  });
});

describe('writeError: what a failed write means', () => {
  it('names the file, the problem and what to do, from Node codes and from HDF5 diagnostics', () => {
    const diag = (msg: string) => new Error(`HDF5-DIAG: Error detected in HDF5 (2.0.0):\n  #000: H5F.c line 1 in H5Fclose(): x\n  #011: H5FDsec2.c line 856 in H5FD__sec2_write(): file write failed, errno = 51, error message = '${msg}'\n    major: Low-level I/O`);
    const cases: [unknown, string, string][] = [
      [diag('No space left on device'), 'the disk is full.', 'free some space (the file needs about 3 MiB)'],
      [diag('Permission denied'), 'permission denied.', "change the folder's permissions"],
      [Object.assign(new Error('EACCES: permission denied, mkdir'), { code: 'EACCES' }), 'permission denied.', 'data/'],
      [Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }), 'the disk is full.', 'write to another disk'],
      [Object.assign(new Error('EROFS'), { code: 'EROFS' }), 'the file system is read-only.', '--out'],
      [Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' }), 'a part of the path is a file, not a folder.', '--out'],
    ];
    for (const [e, problem, todo] of cases) {
      const m = writeError('out/x.h5', e, 3 * 2 ** 20).message;
      expect(m).toContain(`Cannot write out/x.h5: ${problem}`);
      expect(m).toContain('\nWhat to do: ');
      expect(m).toContain(todo);
      expect(m).not.toContain('HDF5-DIAG');
      expect(m.split('\n').length).toBe(2);
    }
  });
});
