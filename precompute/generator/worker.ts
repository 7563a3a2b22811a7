/** A generator worker: simulates the chunks it is sent (see parallel.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { type Chunk, type GeneratorOptions, generateChunk } from './generate';

const opts = (workerData as { opts: GeneratorOptions }).opts;
parentPort!.on('message', ({ i, chunk }: { i: number; chunk: Chunk }) => {
  const result = generateChunk(chunk, opts);
  parentPort!.postMessage({ i, result }, Object.values(result.columns).map((c) => c.buffer as ArrayBuffer));
});
