/**
 * Writes event tables in the course's layout: one 1-D compound dataset per
 * class, float64 members and integer-valued columns (Njets) as int64, as
 * h5py/pandas write them, so `pd.DataFrame(h5py.File(f)['Signal'][:])` reads it.
 * The file appears atomically (written under a temporary name, then renamed).
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import h5wasm from 'h5wasm/node';
import type { EventClass } from '../../core/events';
import { loadH5 } from './h5';

export interface WriteOptions {
  /** Columns stored as int64 (default: Njets). */
  integerColumns?: string[];
  /** File attributes (provenance: generator version, seed, options). */
  attrs?: Record<string, string | number>;
}

export async function writeEventFile(
  path: string, features: string[], classes: Record<string, EventClass>, opts: WriteOptions = {},
): Promise<void> {
  await loadH5();
  const ints = new Set(opts.integerColumns ?? ['Njets']);
  mkdirSync(dirname(path) || '.', { recursive: true });
  const tmp = `${path}.partial-${process.pid}`;
  rmSync(tmp, { force: true });
  const file = new h5wasm.File(tmp, 'w');
  try {
    for (const [name, cls] of Object.entries(classes)) {
      const data = new Map<string, Float64Array | BigInt64Array>();
      for (const f of features) {
        const col = cls.columns[f];
        if (ints.has(f)) {
          const out = new BigInt64Array(cls.count);
          for (let i = 0; i < cls.count; i++) out[i] = BigInt(Math.round(col[i]));
          data.set(f, out);
        } else {
          data.set(f, col.length === cls.count ? col : col.subarray(0, cls.count));
        }
      }
      file.create_dataset({ name, data });
    }
    for (const [k, v] of Object.entries(opts.attrs ?? {})) file.create_attribute(k, v);
  } catch (e) {
    file.close();
    rmSync(tmp, { force: true });
    throw e;
  }
  file.close();
  renameSync(tmp, path);
}
