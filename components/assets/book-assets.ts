/**
 * Build-time access to the precomputed assets of the book's dataset, for numbers in the
 * prose (Astro frontmatter and MDX). Reading the same files the widgets fetch means an
 * instructor's rebuild with another dataset updates the text too.
 *
 * The book's dataset is `defaultDataset` in content/book.json, overridden by the
 * NN4HEP_DATASET environment variable (what `npm run book -- --id NAME` sets).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  validateManifest, validateRunMetrics, type DatasetConfig, type FeaturesFile, type Manifest, type RunMetrics,
} from '../../core/schema';
import { withBase } from '../layout/chapters';

export function bookDatasetId(): string {
  if (process.env.NN4HEP_DATASET) return process.env.NN4HEP_DATASET;
  const config = JSON.parse(readFileSync('content/book.json', 'utf8')) as { defaultDataset: string };
  return config.defaultDataset;
}

export function datasetConfig(id = bookDatasetId()): DatasetConfig {
  const file = join('content', 'datasets', `${id}.json`);
  if (!existsSync(file)) throw new Error(`${file} not found: the book's dataset "${id}" has no configuration.`);
  return JSON.parse(readFileSync(file, 'utf8')) as DatasetConfig;
}

/** Directory of the dataset's assets on disk and its URL in the built site. */
export function assetLocation(id = bookDatasetId()): { dir: string; url: string } {
  return { dir: join('public', 'precomputed', id), url: withBase(`precomputed/${id}/`) };
}

const cache = new Map<string, unknown>();
function readJson(file: string): unknown {
  if (!cache.has(file)) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run \`npm run precompute\` (or \`npm start\`, which runs it) before building the book.`);
    }
    cache.set(file, JSON.parse(readFileSync(file, 'utf8')));
  }
  return cache.get(file);
}

export function loadManifest(id = bookDatasetId()): Manifest {
  const file = join(assetLocation(id).dir, 'manifest.json');
  const v = validateManifest(readJson(file), file);
  if (!v.ok) throw new Error(v.error);
  return v.value;
}

export function loadFeatures(id = bookDatasetId()): FeaturesFile {
  return readJson(join(assetLocation(id).dir, 'features.json')) as FeaturesFile;
}

export function loadRunMetrics(runId: string, id = bookDatasetId()): RunMetrics {
  const file = join(assetLocation(id).dir, 'runs', runId, 'metrics.json');
  const v = validateRunMetrics(readJson(file), file);
  if (!v.ok) throw new Error(v.error);
  return v.value;
}

/** Formatting for numbers in prose. */
export const fmt = {
  int: (x: number) => Math.round(x).toLocaleString('en-GB'),
  pct: (x: number, digits = 1) => `${(100 * x).toFixed(digits)} %`,
  fixed: (x: number, digits = 3) => x.toFixed(digits),
};
