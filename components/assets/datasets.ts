/**
 * Build-time list of every dataset the book knows (content/datasets/*.json) with the
 * provenance of its precomputed models (public/precomputed/<id>/manifest.json), for the
 * "Datasets" page. A dataset whose assets are missing or unreadable is listed with the
 * reason and the command that creates them, never hidden.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { validateManifest, type DatasetConfig, type Manifest } from '../../core/schema';
import { bookDatasetId } from './book-assets';
import { DEFAULT_GENERATOR_OPTIONS, GENERATOR_VERSION } from '../../precompute/generator/generate';

export interface DatasetEntry {
  id: string;
  config: DatasetConfig;
  isDefault: boolean;
  manifest: Manifest | null;
  /** Why there is no manifest, in words with the fix. */
  problem: string | null;
}

export function listDatasets(contentDir = 'content', precomputedDir = join('public', 'precomputed')): DatasetEntry[] {
  const dir = join(contentDir, 'datasets');
  const ids = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
  const def = bookDatasetId();
  const entries = ids.map((id): DatasetEntry => {
    const config = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as DatasetConfig;
    const file = join(precomputedDir, id, 'manifest.json');
    if (!existsSync(file)) {
      return { id, config, isDefault: id === def, manifest: null, problem: `not precomputed yet: run \`npm run precompute -- --dataset ${id}\` (or \`npm run build\`, which does it).` };
    }
    const v = validateManifest(JSON.parse(readFileSync(file, 'utf8')), file);
    return v.ok
      ? { id, config, isDefault: id === def, manifest: v.value, problem: null }
      : { id, config, isDefault: id === def, manifest: null, problem: v.error };
  });
  // The book's dataset first, then the others by id.
  return entries.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.id.localeCompare(b.id));
}

/** The file name an instructor recognises (the path may be absolute on their machine). */
export const fileName = (path: string) => basename(path);

/** Every setting the simulation ran with (the configuration's, over the defaults); null for a dataset read from a file. */
export function generatorSettings(c: DatasetConfig): [string, string][] | null {
  if (!c.generator) return null;
  const all = { ...DEFAULT_GENERATOR_OPTIONS, ...c.generator } as Record<string, unknown>;
  return [['generator version', String(GENERATOR_VERSION)], ...Object.entries(all).map(([k, v]): [string, string] => [k, typeof v === 'number' ? v.toLocaleString('en-GB') : String(v)])];
}
