/**
 * From an instructor's HDF5 file to content/datasets/<id>.json: the built-in dataset's
 * run grid and split, with each feature set intersected with the columns the file has
 * (or the columns chosen with --features). Pure functions, so the rules are unit-tested.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatasetConfig } from '../../core/schema';
import { checkDatasetConfig } from '../train/config';
import { PrecomputeError } from '../train/errors';

/** The dataset whose runs and feature sets a new dataset reuses. */
export const TEMPLATE_PATH = 'content/datasets/ww-vs-tt-sim.json';

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** A dataset id from a file name: "WW_vs_TT_dataset.h5" -> "ww-vs-tt-dataset". */
export function idFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop()!.replace(/\.(h5|hdf5|he5|hdf)$/i, '');
  const id = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return id || 'my-dataset';
}

export function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) {
    throw new PrecomputeError('--id', `"${id}" is not a dataset id.`, 'use lower-case letters, digits and "-", starting with a letter or digit, e.g. --id ww-vs-tt-2024.');
  }
}

export function loadTemplate(root: string, path = TEMPLATE_PATH): DatasetConfig {
  const full = resolve(root, path);
  if (!existsSync(full)) {
    throw new PrecomputeError(path, 'the run grid to start from is missing.',
      `restore it (git restore ${TEMPLATE_PATH}), or pass --template with another dataset configuration whose runs to reuse.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(full, 'utf8'));
  } catch (e) {
    throw new PrecomputeError(path, `it is not valid JSON (${(e as Error).message}).`, 'fix the syntax, or pass --template with another dataset configuration.');
  }
  return checkDatasetConfig(raw, path);
}

export interface DeriveInput {
  template: DatasetConfig;
  id: string;
  title: string;
  /** The HDF5 file as the configuration stores it (relative to the repository root, or absolute). */
  source: string;
  /** The file name shown in messages. */
  fileLabel: string;
  classes: { signal: string; background: string };
  /** Numeric columns both class tables have, in file order. */
  columns: string[];
  /** --features: the columns the book may use (already checked to exist). */
  features?: string[];
}

export interface FeatureSetChange {
  set: string;
  kept: string[];
  missing: string[];
  runs: string[];
}

export interface Derived {
  config: DatasetConfig;
  /** Feature sets that lost columns, for the message. */
  changes: FeatureSetChange[];
  /** Lines for the person running the command. */
  notes: string[];
}

/** Run ids as a short list: "r08-…, r09-… (6 runs)". */
function runList(ids: string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 2).join(', ')} … ${ids[ids.length - 1]} (${ids.length} runs)`;
}

/**
 * Builds the configuration. A feature set keeps the columns the file has (in the template's
 * order); when --features is given, the largest set (the "all features" runs) becomes exactly
 * that list. A largest set named for its column count ("F26") that ends up with another count
 * is renamed "all" (its runs and their titles too); the built-in dataset is never derived, so its
 * F26 and F5, which the chapters cite, stay. A set that keeps none of its columns is an error that
 * names its runs and the fix.
 */
export function deriveConfig(input: DeriveInput): Derived {
  const { template: t } = input;
  const usable = input.features ?? input.columns;
  const usableSet = new Set(usable);
  const largest = Object.entries(t.featureSets).sort((a, b) => b[1].length - a[1].length)[0][0];
  const featureSets: Record<string, string[]> = {};
  const changes: FeatureSetChange[] = [];
  const notes: string[] = [];
  for (const [name, cols] of Object.entries(t.featureSets)) {
    const runs = t.runs.filter((r) => r.featureSet === name).map((r) => r.id);
    if (input.features && name === largest) {
      featureSets[name] = [...input.features];
      continue;
    }
    const kept = cols.filter((c) => usableSet.has(c));
    const missing = cols.filter((c) => !usableSet.has(c));
    if (kept.length === 0) {
      throw new PrecomputeError(input.fileLabel,
        `none of the ${cols.length} columns of feature set ${name} (${cols.join(', ')}) is ${input.features ? 'among the --features' : 'in the file'}, `
        + `so its runs (${runList(runs)}) would have no input.`,
        `${input.features ? 'add some of them to --features' : 'store those columns in both tables'}, or write content/datasets/${input.id}.json by hand `
        + `with your own "featureSets" (start from this command's output with --dry-run, see the chapter "For instructors") and run npm run build. `
        + `The file's numeric columns are: ${input.columns.join(', ')}.`);
    }
    featureSets[name] = kept;
    if (missing.length) changes.push({ set: name, kept, missing, runs });
  }
  // The largest set holds every column the runs may use. Its template name counts columns
  // ("F26"); with another count that name would be false, so it is renamed for what it holds.
  const counted = /^F(\d+)$/.exec(largest);
  const allName = counted && Number(counted[1]) !== featureSets[largest].length ? freeName('all', featureSets) : largest;
  const allRuns = t.runs.filter((r) => r.featureSet === largest).map((r) => r.id);
  const nAll = featureSets[largest].length;
  const allCols = `${nAll} column${nAll === 1 ? '' : 's'}`;
  if (input.features) {
    notes.push(`Feature set ${allName}${allName !== largest ? ` (the course's ${largest})` : ''} (${runList(allRuns)}) uses the ${nAll === 1 ? 'column' : `${nAll} columns`} given with --features.`);
  } else if (allName !== largest) {
    const missing = t.featureSets[largest].filter((c) => !usableSet.has(c));
    notes.push(`Feature set ${largest} of the course becomes "${allName}" here: its runs (${runList(allRuns)}) train on the ${allCols} of the ${largest} list that ${input.fileLabel} has `
      + `(${missing.length} missing: ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ', …' : ''}). `
      + `To choose other columns, edit "featureSets" → "${allName}" in content/datasets/${input.id}.json and run npm run build.`);
  }
  const stated = allName !== largest ? changes.filter((c) => c.set !== largest) : changes;
  for (const c of stated) {
    notes.push(`Feature set ${c.set} needs ${c.missing.map((m) => `"${m}"`).join(', ')}, which ${input.fileLabel} ${input.features ? 'or --features lacks' : 'lacks'}: `
      + `its runs (${runList(c.runs)}) train on the ${c.kept.length} remaining column${c.kept.length === 1 ? '' : 's'} (${c.kept.join(', ')}) instead of ${c.kept.length + c.missing.length}. `
      + `To choose other columns, edit "featureSets" → "${c.set}" in content/datasets/${input.id}.json and run npm run build.`);
  }
  const renamed = (n: string) => (n === largest ? allName : n);
  const config: DatasetConfig = {
    id: input.id,
    title: input.title,
    source: input.source,
    classes: { ...input.classes },
    featureSets: Object.fromEntries(Object.entries(featureSets).map(([k, v]) => [renamed(k), v])),
    split: { ...t.split },
    runs: t.runs.map((r) => {
      const run = structuredClone(r);
      if (r.featureSet === largest && allName !== largest) {
        run.featureSet = allName;
        run.title = run.title.replace(new RegExp(`\\b${largest}\\b`, 'g'), `all ${allCols}`);
      }
      return run;
    }),
  };
  return { config: checkDatasetConfig(config, `content/datasets/${input.id}.json`, input.id), changes: changes.map((c) => ({ ...c, set: renamed(c.set) })), notes };
}

/** `base`, or `base-2`, `base-3`, … when a feature set already has that name. */
function freeName(base: string, taken: Record<string, unknown>): string {
  let name = base;
  for (let i = 2; name in taken; i++) name = `${base}-${i}`;
  return name;
}

/** "--shard 2/8": index 2 (counting from 0) of 8 shards. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) {
    throw new PrecomputeError('--shard', `"${value}" is not a shard.`,
      'write --shard i/n with 0 <= i < n, e.g. --shard 0/4 … --shard 3/4 for four jobs (Slurm: --shard ${SLURM_ARRAY_TASK_ID}/4 with --array=0-3).');
  }
  return { index, count };
}

/** The run ids shard i/n trains: every n-th run of the configuration starting at run i. */
export function shardRuns(config: DatasetConfig, shard: { index: number; count: number }): string[] {
  return config.runs.filter((_, i) => i % shard.count === shard.index).map((r) => r.id);
}
