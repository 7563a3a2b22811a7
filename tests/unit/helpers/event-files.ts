/**
 * Makes one HDF5 file (or non-file) per kind of bad input the reader must
 * explain, in a temporary directory. Files are written with h5wasm, except the
 * compression filters h5wasm cannot write: those are real LZF (h5py) and Blosc
 * (pandas/PyTables) files from tests/fixtures/hdf5/make_fixtures.py.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import { COURSE_FEATURES, type EventClass } from '../../../core/events';
import { createRng } from '../../../core/rng';
import { loadH5 } from '../../../precompute/data/h5';
import { writeEventFile } from '../../../precompute/data/write';
import type { DataErrorKind } from '../../../precompute/data/errors';

export const FIXTURES = resolve(__dirname, '../../fixtures/hdf5');

export function tempDir(prefix = 'nn4hep-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A class with the course's 26 columns and simple seeded values. */
export function fakeClass(key: string, n: number, seed: number): EventClass {
  const rng = createRng(seed);
  const columns: Record<string, Float64Array> = {};
  for (const f of COURSE_FEATURES) {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = f === 'Njets' ? 2 + rng.int(4) : Math.round(100 * rng.normal()) / 4;
    columns[f] = a;
  }
  return { key, count: n, columns };
}

export async function writeCourseFile(path: string, nSignal = 40, nBackground = 60): Promise<void> {
  await writeEventFile(path, [...COURSE_FEATURES], {
    Signal: fakeClass('Signal', nSignal, 1), Background: fakeClass('Background', nBackground, 2),
  });
}

export interface BadInput {
  kind: DataErrorKind;
  /** What the file is, for test names. */
  what: string;
  path: string;
  /** Reader options / CLI flags that go with it. */
  options?: { signal?: string; background?: string; features?: string[]; nonFinite?: 'drop' | 'refuse' };
  cliArgs?: string[];
  /** Substrings the message must contain (besides the file name). */
  says: string[];
}

/** Every bad-input kind from the issue, each as a file in `dir`. */
export async function makeBadInputs(dir: string): Promise<BadInput[]> {
  await loadH5();
  const out: BadInput[] = [];
  const p = (name: string) => join(dir, name);

  writeFileSync(p('events.csv.h5'), 'lepton0_px,lepton0_py\n1.0,2.0\n');
  out.push({ kind: 'not-hdf5', what: 'a CSV file named .h5', path: p('events.csv.h5'), says: ['not an HDF5 file', 'text file', 'lepton0_px,lepton0_py'] });

  writeFileSync(p('empty.h5'), '');
  out.push({ kind: 'empty', what: 'an empty file', path: p('empty.h5'), says: ['empty (0 bytes)', 'copy or download the file again'] });

  await writeCourseFile(p('whole.h5'), 4000, 6000);
  const whole = readFileSync(p('whole.h5'));
  writeFileSync(p('truncated.h5'), whole.subarray(0, Math.floor(whole.length / 2)));
  out.push({ kind: 'truncated', what: 'a file cut in half', path: p('truncated.h5'), says: ['truncated', `${Math.floor(whole.length / 2).toLocaleString('en-US')} bytes`, 'copy'] });

  {
    const f = new h5wasm.File(p('no-background.h5'), 'w');
    const cls = fakeClass('Signal', 10, 3);
    f.create_dataset({ name: 'Signal', data: new Map(COURSE_FEATURES.map((c) => [c, cls.columns[c]])) });
    const g = f.create_group('other');
    g.create_dataset({ name: 'background', data: new Map(COURSE_FEATURES.map((c) => [c, cls.columns[c]])) });
    f.close();
  }
  out.push({ kind: 'class-missing', what: 'a file without a Background table', path: p('no-background.h5'),
    says: ['no "Background" dataset for the background class', 'The file has:', 'Signal (10, compound)', 'other/background (10, compound)', '--background other/background'] });

  await writeCourseFile(p('course.h5'));
  out.push({ kind: 'feature-missing', what: 'a feature the file does not have', path: p('course.h5'),
    options: { features: ['Njets', 'HT_al'] }, cliArgs: ['--features', 'Njets,HT_al'],
    says: ['no column "HT_al"', 'Available numeric columns (26)', 'HT_all', 'case-sensitive'] });

  out.push({ kind: 'same-table', what: 'one table for both classes', path: p('course.h5'),
    options: { signal: 'Signal', background: '/Signal' }, cliArgs: ['--signal', 'Signal', '--background', '/Signal'],
    says: ['the signal and the background class both use "Signal" and "/Signal" (the same table)', 'The file has:', 'give each class its own table'] });

  {
    const f = new h5wasm.File(p('text-member.h5'), 'w');
    for (const key of ['Signal', 'Background']) {
      const n = 5;
      f.create_dataset({
        name: key,
        data: new Map<string, unknown>([['HT_all', new Float64Array(n).fill(100)], ['run_tag', Array.from({ length: n }, (_, i) => `r${i}`)]]),
        dtype: [['HT_all', '<d'], ['run_tag', 'S8']],
      } as never);
    }
    f.close();
  }
  out.push({ kind: 'non-numeric', what: 'a text column requested as a feature', path: p('text-member.h5'),
    options: { features: ['HT_all', 'run_tag'] }, cliArgs: ['--features', 'HT_all,run_tag'],
    says: ['"run_tag" (string (8 bytes))', 'not numeric', 'leave the column out'] });

  {
    const sig = fakeClass('Signal', 50, 4), bkg = fakeClass('Background', 70, 5);
    sig.columns.HT_all[3] = NaN; sig.columns.HT_all[7] = NaN; sig.columns.MissingEnergy[7] = Infinity;
    bkg.columns.lepton0_px[10] = -Infinity;
    await writeEventFile(p('nan.h5'), [...COURSE_FEATURES], { Signal: sig, Background: bkg });
  }
  out.push({ kind: 'non-finite', what: 'NaN and ±Inf values (refused)', path: p('nan.h5'),
    options: { nonFinite: 'refuse' }, cliArgs: ['--refuse-non-finite'],
    says: ['NaN or ±Inf', 'Signal: 2 events (per column: HT_all: 2, MissingEnergy: 1)', 'Background: 1 event (per column: lepton0_px: 1)'] });

  {
    const f = new h5wasm.File(p('zero.h5'), 'w');
    f.create_dataset({ name: 'Signal', data: new Map(COURSE_FEATURES.map((c) => [c, new Float64Array(0)])), shape: [0] });
    const bkg = fakeClass('Background', 8, 6);
    f.create_dataset({ name: 'Background', data: new Map(COURSE_FEATURES.map((c) => [c, bkg.columns[c]])) });
    f.close();
  }
  out.push({ kind: 'no-events', what: 'a class with zero events', path: p('zero.h5'), says: ['"Signal" has no events (0 rows)'] });

  copyFileSync(join(FIXTURES, 'lzf.h5'), p('lzf.h5'));
  out.push({ kind: 'unsupported-filter', what: 'LZF compression (h5py)', path: p('lzf.h5'), says: ['LZF (HDF5 filter 32000)', 're-save it with gzip', 'compression="gzip"'] });
  copyFileSync(join(FIXTURES, 'blosc.h5'), p('blosc.h5'));
  out.push({ kind: 'unsupported-filter', what: 'Blosc compression (pandas)', path: p('blosc.h5'), says: ['Blosc (HDF5 filter 32001)', 're-save it with gzip', 'complib="zlib"'] });

  return out;
}
