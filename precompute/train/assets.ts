/** File writing for the precompute: atomic writes, hashes, TF.js model save/load in Node. */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync, cpSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export const sha256 = (buf: Uint8Array | string): string => createHash('sha256').update(buf).digest('hex');

/** Writes a file through a temporary name in the same directory, then renames it into place. */
let tmpCounter = 0;
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${tmpCounter++}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** JSON for the assets: non-finite numbers become null instead of an invalid file. */
export function toJson(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1);
}

/** Saves a layers model as model.json + weights.bin (what tf.loadLayersModel reads in the page). */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (art) => {
    const weightsBin = new Uint8Array(art.weightData as ArrayBuffer);
    const json = {
      modelTopology: art.modelTopology,
      format: art.format,
      generatedBy: art.generatedBy,
      convertedBy: art.convertedBy,
      weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }],
    };
    writeFileSync(join(dir, 'weights.bin'), weightsBin);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightsBin.byteLength } };
  }));
}

/** Loads model.json + weights.bin in Node without tfjs-node (custom IO handler). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  return tf.loadLayersModel({
    load: async () => tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Uint8Array[] = [];
      for (const group of manifest) {
        specs.push(...group.weights);
        for (const p of group.paths) parts.push(readFileSync(join(dir, p)));
      }
      const total = parts.reduce((a, b) => a + b.byteLength, 0);
      const all = new Uint8Array(total);
      let at = 0;
      for (const p of parts) { all.set(p, at); at += p.byteLength; }
      return [specs, all.buffer];
    }),
  });
}

/**
 * Replaces directory `target` by `staged` so that readers see either the old
 * or the new complete directory: the old one is moved aside first and removed
 * only after the new one is in place. A crash between the two renames leaves
 * the old assets under `<target>.old-<pid>`, which the next run restores.
 */
export function replaceDirAtomic(staged: string, target: string): void {
  const aside = `${target}.old-${process.pid}`;
  const had = existsSync(target);
  if (had) renameSync(target, aside);
  try {
    renameSync(staged, target);
  } catch (e) {
    if (had) renameSync(aside, target);
    throw e;
  }
  if (had) rmSync(aside, { recursive: true, force: true });
}

/** Removes staging directories left by interrupted runs and restores assets moved aside by a crash. */
export function cleanStale(parent: string, id: string): string[] {
  const notes: string[] = [];
  if (!existsSync(parent)) return notes;
  for (const name of readdirSync(parent)) {
    const full = join(parent, name);
    if (name.startsWith(`.${id}.staging-`)) {
      rmSync(full, { recursive: true, force: true });
      notes.push(`removed ${basename(full)} left by an interrupted precompute`);
    } else if (name.startsWith(`${id}.old-`)) {
      if (!existsSync(join(parent, id))) {
        renameSync(full, join(parent, id));
        notes.push(`restored ${id} from ${name} (a precompute was interrupted while swapping directories)`);
      } else {
        rmSync(full, { recursive: true, force: true });
      }
    }
  }
  return notes;
}

export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}
