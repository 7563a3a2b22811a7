/**
 * Writes one HDF5 file for writeEventFile on a worker thread. HDF5, and h5wasm's
 * packing of the rows, run synchronously for seconds on a big file; here they
 * leave the main thread free to act on Ctrl-C at once (tsx kills a command that
 * does not answer a signal within about 60 ms, which would leave the partial file).
 */
import { parentPort, workerData } from 'node:worker_threads';
import h5wasm from 'h5wasm/node';
import { loadH5 } from './h5';

export interface WriteJob {
  tmp: string;
  features: string[];
  integerColumns: string[];
  classes: { name: string; count: number; columns: Record<string, Float64Array> }[];
  attrs: Record<string, string | number>;
}

export type WriteReply = { ok: true } | { ok: false; message: string; code?: string };

function write(job: WriteJob): void {
  const ints = new Set(job.integerColumns);
  const file = new h5wasm.File(job.tmp, 'w');
  try {
    for (const cls of job.classes) {
      const data = new Map<string, Float64Array | BigInt64Array>();
      for (const f of job.features) {
        const col = cls.columns[f];
        if (ints.has(f)) {
          const out = new BigInt64Array(cls.count);
          for (let i = 0; i < cls.count; i++) out[i] = BigInt(Math.round(col[i]));
          data.set(f, out);
        } else {
          data.set(f, col);
        }
      }
      file.create_dataset({ name: cls.name, data });
    }
    for (const [k, v] of Object.entries(job.attrs)) file.create_attribute(k, v);
  } catch (e) {
    try { file.close(); } catch { /* the first error is the one to report */ }
    throw e;
  }
  // Closing flushes HDF5's buffers, so a full disk often shows here.
  file.close();
}

try {
  await loadH5();
  write(workerData as WriteJob);
  parentPort!.postMessage({ ok: true } satisfies WriteReply);
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  parentPort!.postMessage({ ok: false, message: String(err?.message ?? e), code: typeof err?.code === 'string' ? err.code : undefined } satisfies WriteReply);
}
