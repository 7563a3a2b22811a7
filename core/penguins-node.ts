/**
 * Build-time (Node) access to the raw penguins: read vega-datasets' data/penguins.json
 * from the installed package (the package's own loader fetches from the network, and it
 * exports no data paths, so we locate the package folder and read the file).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cleanPenguins, type CleanResult, type RawPenguin } from './penguins';

let cache: { raw: RawPenguin[]; clean: CleanResult } | null = null;

export function penguinsPath(): string {
  const require = createRequire(import.meta.url);
  // The package's exports hide package.json; resolve the entry point and walk up to the package root.
  const entry = require.resolve('vega-datasets');
  let dir = dirname(entry);
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'vega-datasets') return join(dir, 'data', 'penguins.json');
    } catch { /* not here */ }
    dir = dirname(dir);
  }
  throw new Error('vega-datasets is not installed (npm install): cannot find data/penguins.json');
}

export function loadPenguins(): { raw: RawPenguin[]; clean: CleanResult } {
  if (!cache) {
    const raw = JSON.parse(readFileSync(penguinsPath(), 'utf8')) as RawPenguin[];
    cache = { raw, clean: cleanPenguins(raw) };
  }
  return cache;
}
