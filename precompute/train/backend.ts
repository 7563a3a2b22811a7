/**
 * TF.js backend selection for Node, with honest reporting: the backend that
 * is recorded is the one that actually ran an operation, never the one asked
 * for (tf.setBackend returns false and silently stays on 'cpu' when a backend
 * fails to initialise). A named backend that cannot load is an error, not a
 * fallback.
 */
import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import type { BackendInfo } from '../../core/schema';
import { PrecomputeError } from './errors';

export const BACKEND_CHOICES = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type ConcreteBackend = Exclude<BackendChoice, 'auto'>;

/** The TF.js backend name each choice registers. */
const TF_NAME: Record<ConcreteBackend, string> = { 'node-gpu': 'tensorflow', node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const AUTO_ORDER: ConcreteBackend[] = ['node-gpu', 'node', 'wasm', 'cpu'];

const cpuModel = () => cpus()[0]?.model?.trim() || 'unknown CPU';

async function tryLoad(choice: ConcreteBackend): Promise<{ ok: true; device: string } | { ok: false; reason: string }> {
  try {
    if (choice === 'node-gpu' || choice === 'node') {
      const pkg = choice === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      try {
        await import(pkg);
      } catch (e) {
        const code = (e as { code?: string }).code;
        return { ok: false, reason: code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
          ? `${pkg} is not installed (it is an optional dependency whose install downloads libtensorflow)`
          : `${pkg} failed to load: ${(e as Error).message.split('\n')[0]}` };
      }
    } else if (choice === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    }
    const set = await tf.setBackend(TF_NAME[choice]);
    if (!set) return { ok: false, reason: `tf.setBackend('${TF_NAME[choice]}') failed` };
    await tf.ready();
    // Run one op and check who ran it: a failed init can leave TF.js on 'cpu'.
    const probe = tf.add(tf.scalar(1), tf.scalar(2));
    const v = (await probe.data())[0];
    probe.dispose();
    if (v !== 3 || tf.getBackend() !== TF_NAME[choice]) {
      return { ok: false, reason: `after setup the active backend is '${tf.getBackend()}', not '${TF_NAME[choice]}'` };
    }
    return { ok: true, device: await describeDevice(choice) };
  } catch (e) {
    return { ok: false, reason: (e as Error).message.split('\n')[0] };
  }
}

async function describeDevice(choice: ConcreteBackend): Promise<string> {
  if (choice === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return `CPU via WebAssembly (SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}): ${cpuModel()}`;
  }
  if (choice === 'cpu') return `CPU via plain JavaScript: ${cpuModel()}`;
  if (choice === 'node') return `CPU via libtensorflow: ${cpuModel()}`;
  // tfjs-node-gpu runs on CPU when CUDA is missing; say which one TensorFlow picked.
  const anyTf = tf as unknown as { backend(): { isUsingGpuDevice?: boolean } };
  const gpu = anyTf.backend().isUsingGpuDevice;
  return gpu === false ? `CPU via libtensorflow (no usable CUDA GPU found): ${cpuModel()}` : 'GPU via libtensorflow (CUDA)';
}

/**
 * Activates a backend in this thread and returns what ran. `auto` tries
 * node-gpu, node, wasm, cpu in that order and records why earlier ones did not load.
 */
export async function selectBackend(requested: BackendChoice): Promise<BackendInfo & { concrete: ConcreteBackend; skipped: string[] }> {
  if (!BACKEND_CHOICES.includes(requested)) {
    throw new PrecomputeError('--backend', `"${requested}" is not a backend.`, `use one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  const order = requested === 'auto' ? AUTO_ORDER : [requested];
  const skipped: string[] = [];
  for (const choice of order) {
    const r = await tryLoad(choice);
    if (r.ok) return { requested, name: tf.getBackend(), device: r.device, concrete: choice, skipped };
    skipped.push(`${choice}: ${r.reason}`);
  }
  if (requested === 'auto') {
    throw new PrecomputeError('--backend auto', `no TF.js backend could run:\n  ${skipped.join('\n  ')}`, 'reinstall the dependencies with `npm ci`.');
  }
  const hint = requested === 'node-gpu' || requested === 'node'
    ? `install it where libtensorflow can be downloaded (\`npm install @tensorflow/tfjs-${requested === 'node-gpu' ? 'node-gpu' : 'node'}@4.22.0\`), or run with --backend wasm (or auto).`
    : 'run with --backend auto to use the best backend that loads.';
  throw new PrecomputeError(`--backend ${requested}`, `the backend cannot run here: ${skipped[0].slice(requested.length + 2)}.`, hint);
}
