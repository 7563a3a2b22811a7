/**
 * The built-in H→WW* vs tt̄ generator: the physics targets of
 * shared/docs/physics-generator.md on a 50k-event sample, determinism, and the
 * file it writes (read back by our reader and, when Debian's python3-h5py is
 * installed, by pandas exactly as the course does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COURSE_FEATURES } from '../../core/events';
import { createRng } from '../../core/rng';
import { tableSha256 } from '../../precompute/data/hash';
import { readEventFile } from '../../precompute/data/read';
import { writeEventFile } from '../../precompute/data/write';
import { type GeneratedSample, generateSample } from '../../precompute/generator/generate';
import { generateSampleParallel } from '../../precompute/generator/parallel';
import { decayHiggs, produceHiggs, sampleHelicityCos } from '../../precompute/generator/physics';
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
