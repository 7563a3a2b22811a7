/**
 * The built-in sample on worker threads: the chunks of planChunks() shared
 * among `threads` workers. Same result as generateSample() for any thread count.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type ChunkResult, type GeneratedSample, type GeneratorOptions, assembleSample, generateSample, planChunks, resolveOptions,
} from './generate';

export async function generateSampleParallel(partial: Partial<GeneratorOptions> = {}, threads = availableParallelism()): Promise<GeneratedSample> {
  const opts = resolveOptions(partial);
  const chunks = planChunks(opts);
  const n = Math.min(threads, chunks.length);
  if (n <= 1) return generateSample(opts);
  const t0 = performance.now();
  const results: ChunkResult[] = new Array(chunks.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { opts } });
    let finished = false;
    const feed = () => {
      if (next >= chunks.length) { finished = true; void w.terminate().then(() => resolve()); return; }
      const i = next++;
      w.postMessage({ i, chunk: chunks[i] });
    };
    w.on('message', (m: { i: number; result: ChunkResult }) => { results[m.i] = m.result; feed(); });
    w.on('error', reject);
    w.on('exit', (code) => { if (!finished) reject(new Error(`a generator worker stopped unexpectedly (exit code ${code})`)); });
    w.once('online', feed);
  })));
  return assembleSample(opts, chunks, results, (performance.now() - t0) / 1000);
}
