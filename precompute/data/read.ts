/**
 * Reads an event file (signal and background tables) into Float64 columns and
 * validates it, with messages that name the file, the problem and the fix.
 *
 *   const { table, nonFinite, warnings } = await readEventFile('data/x.h5', { features: [...] });
 */
import type { EventClass, EventTable, NonFiniteReport } from '../../core/events';
import { DataError, listNames } from './errors';
import { type H5File, hdf5Reason, openHdf5 } from './h5';
import { type ClassSource, checkFilters, describeContents, readColumns, resolveClass } from './sources';

export const DEFAULT_KEYS = { signal: 'Signal', background: 'Background' } as const;

export interface ReadOptions {
  /** Path of the signal table in the file (default "Signal"; groups allowed: "events/Signal"). */
  signal?: string;
  background?: string;
  /** Columns to read, in this order. Default: every numeric column both classes have. */
  features?: string[];
  /** Events with NaN or ±Inf in a read column: drop them (default), refuse the file, or keep them (inspect). */
  nonFinite?: 'drop' | 'refuse' | 'keep';
}

export interface ReadResult {
  file: string;
  table: EventTable;
  /** Non-finite values per column and events dropped (0 dropped with 'keep'). */
  nonFinite: NonFiniteReport;
  /** Things the reader did that a person should know (dropped events, left-out columns). */
  warnings: string[];
  sources: { signal: ClassSource; background: ClassSource };
}

/** The opened file and both class tables, validated up to (not including) reading the data. */
export interface OpenedEvents {
  h5: H5File;
  signal: ClassSource;
  background: ClassSource;
  /** Column names to read, in order. */
  features: string[];
  warnings: string[];
}

/** Opens the file and resolves both classes and the features; the caller must close `h5`. */
export async function openEventFile(path: string, opts: ReadOptions = {}): Promise<OpenedEvents> {
  const h5 = await openHdf5(path);
  try {
    if (h5.keys().length === 0) {
      throw new DataError('corrupt', path, 'HDF5 opens it but it holds no datasets or groups.', [],
        'the file is empty inside or its metadata is damaged; copy it again or re-save it from Python.');
    }
    const signalKey = opts.signal ?? DEFAULT_KEYS.signal;
    const backgroundKey = opts.background ?? DEFAULT_KEYS.background;
    const signal = resolveClass(h5, path, signalKey, 'signal');
    const background = resolveClass(h5, path, backgroundKey, 'background');
    refuseSameTable(h5, path, signal, background);
    const warnings: string[] = [];
    const features = chooseFeatures(path, signal, background, opts.features, warnings);
    for (const src of [signal, background]) checkFilters(path, src.key, src);
    return { h5, signal, background, features, warnings };
  } catch (e) {
    h5.close();
    throw e;
  }
}

/**
 * Both keys naming one table ("Signal" and "/Signal" too) would make a classifier
 * learn nothing; compare the datasets they resolved to, not the strings.
 */
function refuseSameTable(h5: H5File, file: string, sig: ClassSource, bkg: ClassSource): void {
  const bkgPaths = new Set(bkg.datasets.map((d) => d.path));
  if (!sig.datasets.some((d) => bkgPaths.has(d.path))) return;
  const same = sig.key === bkg.key ? `"${sig.key}"` : `"${sig.key}" and "${bkg.key}" (the same table)`;
  throw new DataError('same-table', file, `the signal and the background class both use ${same}.`,
    ['The file has:', ...describeContents(h5).map((c) => `  ${c}`)],
    'give each class its own table: `--signal KEY --background OTHER_KEY` (or set the class keys in the dataset\'s config).');
}

function chooseFeatures(file: string, sig: ClassSource, bkg: ClassSource, requested: string[] | undefined, warnings: string[]): string[] {
  if (requested && requested.length) {
    const dup = requested.find((f, i) => requested.indexOf(f) !== i);
    if (dup) throw new DataError('feature-missing', file, `the feature "${dup}" is requested twice.`, [], 'list each feature once.');
    for (const src of [sig, bkg]) {
      const missing = requested.filter((f) => !src.columns.some((c) => c.name === f));
      if (missing.length) {
        const available = src.columns.filter((c) => c.field).map((c) => c.name);
        throw new DataError('feature-missing', file,
          `the ${src === sig ? 'signal' : 'background'} table "${src.key}" has no column ${missing.map((m) => `"${m}"`).join(', ')}.`,
          [`Available numeric columns (${available.length}): ${listNames(available, 60)}`],
          'use one of the available names (they are case-sensitive) in the feature list.');
      }
      const bad = requested.map((f) => src.columns.find((c) => c.name === f)!).filter((c) => !c.field);
      if (bad.length) {
        throw new DataError('non-numeric', file,
          `the requested column${bad.length > 1 ? 's' : ''} ${bad.map((c) => `"${c.name}" (${c.type})`).join(', ')} in "${src.key}" ${bad.length > 1 ? 'are' : 'is'} not numeric.`,
          [], 'a network needs numbers: leave the column out of the feature list, or convert it to numbers (e.g. one-hot codes) before saving.');
      }
    }
    return [...requested];
  }
  const sigNumeric = sig.columns.filter((c) => c.field).map((c) => c.name);
  const bkgNumeric = new Set(bkg.columns.filter((c) => c.field).map((c) => c.name));
  const features = sigNumeric.filter((n) => bkgNumeric.has(n));
  const onlyOne = [...sigNumeric.filter((n) => !bkgNumeric.has(n)), ...[...bkgNumeric].filter((n) => !sigNumeric.includes(n))];
  if (onlyOne.length) warnings.push(`Left out columns that only one class has: ${listNames(onlyOne)}.`);
  const nonNumeric = new Map<string, string>();
  for (const c of [...sig.columns, ...bkg.columns]) if (!c.field && !nonNumeric.has(c.name)) nonNumeric.set(c.name, `${c.name} (${c.type})`);
  if (nonNumeric.size) warnings.push(`Left out non-numeric columns: ${listNames([...nonNumeric.values()])}.`);
  if (features.length === 0) {
    throw new DataError('non-numeric', file, `the tables "${sig.key}" and "${bkg.key}" have no numeric column in common.`,
      [`Signal columns: ${listNames(sig.columns.map((c) => `${c.name} (${c.type})`))}`,
        `Background columns: ${listNames(bkg.columns.map((c) => `${c.name} (${c.type})`))}`],
      'store the features as numbers (float or int) with the same names in both tables.');
  }
  return features;
}

/** Reads, validates and (by default) drops events with NaN/±Inf. */
export async function readEventFile(path: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const opened = await openEventFile(path, opts);
  const { h5, signal, background, features, warnings } = opened;
  try {
    for (const src of [signal, background]) {
      if (src.count === 0) {
        throw new DataError('no-events', path, `the ${src === signal ? 'signal' : 'background'} table "${src.key}" has no events (0 rows).`, [],
          'check that the file was written completely and that the class keys point at the right tables.');
      }
    }
    const sigCols = await readOrExplain(path, signal, features);
    const bkgCols = await readOrExplain(path, background, features);
    const mode = opts.nonFinite ?? 'drop';
    const sigBad = countNonFinite(sigCols, features, signal.count);
    const bkgBad = countNonFinite(bkgCols, features, background.count);
    const report: NonFiniteReport = {
      signal: { dropped: 0, perColumn: sigBad.perColumn },
      background: { dropped: 0, perColumn: bkgBad.perColumn },
    };
    const anyBad = sigBad.rows.length + bkgBad.rows.length > 0;
    if (anyBad && mode === 'refuse') {
      throw new DataError('non-finite', path, 'some events have NaN or ±Inf values.', nonFiniteLines(signal.key, sigBad, background.key, bkgBad),
        'fix or remove those events in the file, or allow dropping them (the default; drop the refuse option).');
    }
    let sigClass: EventClass = { key: signal.key, count: signal.count, columns: sigCols };
    let bkgClass: EventClass = { key: background.key, count: background.count, columns: bkgCols };
    if (anyBad && mode === 'drop') {
      sigClass = dropRows(sigClass, features, sigBad.mask);
      bkgClass = dropRows(bkgClass, features, bkgBad.mask);
      report.signal.dropped = sigBad.rows.length;
      report.background.dropped = bkgBad.rows.length;
      warnings.push(`Dropped ${sigBad.rows.length} signal and ${bkgBad.rows.length} background events with NaN or ±Inf values.`,
        ...nonFiniteLines(signal.key, sigBad, background.key, bkgBad).map((l) => `  ${l}`));
      for (const c of [sigClass, bkgClass]) {
        if (c.count === 0) {
          throw new DataError('no-events', path, `every event of "${c.key}" has a NaN or ±Inf value, so none is left.`,
            nonFiniteLines(signal.key, sigBad, background.key, bkgBad), 'fix the values in the file, or leave the broken columns out of the features.');
        }
      }
    }
    return { file: path, table: { features, signal: sigClass, background: bkgClass }, nonFinite: report, warnings, sources: { signal, background } };
  } finally {
    h5.close();
  }
}

async function readOrExplain(path: string, src: ClassSource, features: string[]): Promise<Record<string, Float64Array>> {
  try {
    return await readColumns(src, features);
  } catch (e) {
    throw new DataError('corrupt', path, `HDF5 could not read the data of "${src.key}" (${hdf5Reason(e)}).`, [],
      'the file is probably damaged or was not written completely; copy it again, or re-save it from Python with h5py or pandas.');
  }
}

interface BadRows { rows: number[]; mask: Uint8Array; perColumn: Record<string, number> }

function countNonFinite(cols: Record<string, Float64Array>, features: string[], n: number): BadRows {
  const mask = new Uint8Array(n);
  const perColumn: Record<string, number> = {};
  for (const f of features) {
    const a = cols[f];
    let k = 0;
    for (let i = 0; i < n; i++) {
      const v = a[i];
      if (v - v !== 0) { k++; mask[i] = 1; } // NaN or ±Inf
    }
    if (k) perColumn[f] = k;
  }
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (mask[i]) rows.push(i);
  return { rows, mask, perColumn };
}

function nonFiniteLines(sigKey: string, sig: BadRows, bkgKey: string, bkg: BadRows): string[] {
  const line = (key: string, b: BadRows) => {
    const cols = Object.entries(b.perColumn).map(([c, k]) => `${c}: ${k}`);
    return `${key}: ${b.rows.length} event${b.rows.length === 1 ? '' : 's'}${cols.length ? ` (per column: ${listNames(cols)})` : ''}`;
  };
  return [line(sigKey, sig), line(bkgKey, bkg)];
}

function dropRows(c: EventClass, features: string[], mask: Uint8Array): EventClass {
  let keep = 0;
  for (let i = 0; i < c.count; i++) if (!mask[i]) keep++;
  if (keep === c.count) return c;
  const columns: Record<string, Float64Array> = {};
  for (const f of features) {
    const src = c.columns[f];
    const dst = new Float64Array(keep);
    for (let i = 0, j = 0; i < c.count; i++) if (!mask[i]) dst[j++] = src[i];
    columns[f] = dst;
  }
  return { key: c.key, count: keep, columns };
}

