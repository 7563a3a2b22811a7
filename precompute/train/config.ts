/** Reads and checks content/datasets/<id>.json. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetConfig, RunConfig } from '../../core/schema';
import { checkModelSpec } from '../../core/model';
import { checkOptimizerSpec } from '../../core/optim';
import { checkTrainConfig } from '../../core/train';
import { PrecomputeError } from './errors';

export const DATASETS_DIR = 'content/datasets';

export function listDatasetIds(root: string): string[] {
  const dir = join(root, DATASETS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

export function loadDatasetConfig(root: string, id: string): { config: DatasetConfig; path: string } {
  const path = join(DATASETS_DIR, `${id}.json`);
  const full = join(root, path);
  if (!existsSync(full)) {
    const known = listDatasetIds(root);
    throw new PrecomputeError(path, 'there is no such dataset configuration.',
      known.length ? `use one of: ${known.map((k) => `--dataset ${k}`).join(', ')}.` : `create ${path} (see content/datasets/ww-vs-tt-sim.json).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(full, 'utf8'));
  } catch (e) {
    throw new PrecomputeError(path, `it is not valid JSON (${(e as Error).message}).`, 'fix the syntax; a JSON linter shows the exact place.');
  }
  return { config: checkDatasetConfig(raw, path, id), path };
}

export function checkDatasetConfig(raw: unknown, path: string, id?: string): DatasetConfig {
  const fail = (problem: string, todo: string): never => { throw new PrecomputeError(path, problem, todo); };
  const c = raw as DatasetConfig;
  if (typeof c !== 'object' || c === null) fail('it is not a JSON object.', 'start from content/datasets/ww-vs-tt-sim.json.');
  if (typeof c.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(c.id)) fail(`"id" must be lower-case letters, digits and '-' (got ${JSON.stringify(c.id)}).`, 'set "id" to the file name without .json.');
  if (id !== undefined && c.id !== id) fail(`"id" is "${c.id}" but the file is named ${id}.json.`, `make them the same.`);
  if (typeof c.source !== 'string' || !c.source) fail('"source" (the HDF5 file) is missing.', 'set "source" to a path relative to the repository root, e.g. "data/my-events.h5".');
  if (!c.classes || typeof c.classes.signal !== 'string' || typeof c.classes.background !== 'string') {
    fail('"classes" must name the signal and background datasets.', 'e.g. "classes": {"signal": "Signal", "background": "Background"}.');
  }
  if (!c.featureSets || typeof c.featureSets !== 'object' || Object.keys(c.featureSets).length === 0) fail('"featureSets" is missing.', 'e.g. "featureSets": {"F5": ["Njets", "HT_all", ...]}.');
  for (const [k, v] of Object.entries(c.featureSets)) {
    if (!Array.isArray(v) || v.length === 0 || v.some((f) => typeof f !== 'string')) fail(`feature set "${k}" must be a non-empty list of column names.`, 'list the columns by name.');
    if (new Set(v).size !== v.length) fail(`feature set "${k}" lists a column twice.`, 'remove the duplicate.');
  }
  const s = c.split;
  if (!s || ![s.train, s.val, s.test, s.seed].every((n) => typeof n === 'number') || Math.abs(s.train + s.val + s.test - 1) > 1e-9 || s.val <= 0 || s.test <= 0) {
    fail('"split" must give train, val and test fractions that add up to 1 (val and test > 0) and a seed.', 'e.g. "split": {"train": 0.8, "val": 0.1, "test": 0.1, "seed": 42}.');
  }
  if (!Array.isArray(c.runs) || c.runs.length === 0) fail('"runs" must list at least one experiment.', 'see the runs in content/datasets/ww-vs-tt-sim.json.');
  const ids = new Set<string>();
  c.runs.forEach((r: RunConfig, i: number) => {
    const where = `runs[${i}]${typeof r?.id === 'string' ? ` ("${r.id}")` : ''}`;
    try {
      if (typeof r.id !== 'string' || !/^[A-Za-z0-9_-]+$/.test(r.id)) throw new Error('id must be letters, digits, "-" or "_"');
      if (ids.has(r.id)) throw new Error('id is used twice');
      ids.add(r.id);
      if (!(r.featureSet in c.featureSets)) throw new Error(`featureSet "${r.featureSet}" is not one of ${Object.keys(c.featureSets).join(', ')}`);
      if (typeof r.standardize !== 'boolean') throw new Error('standardize must be true or false');
      checkModelSpec(r.model, 'model');
      checkOptimizerSpec(r.optimizer, 'optimizer');
      checkTrainConfig({ model: r.model, optimizer: r.optimizer, epochs: r.epochs, batchSize: r.batchSize, seed: 0, earlyStopping: r.earlyStopping, lrSchedule: r.lrSchedule });
      const sch = r.lrSchedule;
      if (sch && !((sch.type === 'step' && sch.stepSize >= 1 && sch.gamma > 0) || (sch.type === 'plateau' && sch.factor > 0 && sch.factor < 1 && sch.patience >= 0))) {
        throw new Error('lrSchedule must be {"type":"step","stepSize":N,"gamma":G} or {"type":"plateau","factor":F,"patience":P}');
      }
    } catch (e) {
      fail(`${where}: ${(e as Error).message}.`, 'fix that run (see the runs in content/datasets/ww-vs-tt-sim.json for the fields).');
    }
  });
  return c;
}

/** Seed of a run: its own, or derived from the split seed and the run id (stable when runs are reordered). */
export function runSeed(c: DatasetConfig, r: RunConfig): number {
  if (r.seed !== undefined) return r.seed;
  let h = 0x811c9dc5 ^ c.split.seed; // FNV-1a
  for (let i = 0; i < r.id.length; i++) h = Math.imul(h ^ r.id.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}
