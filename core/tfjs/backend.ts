/**
 * Choose a TF.js backend in the browser (page or worker) and report the one that really runs.
 * Pitfalls #4: setBackend('wasm') can fail quietly and leave ops on 'cpu'; so we check the
 * result, run one op, and read getBackend() afterwards. The wasm binaries are served by the
 * site itself from <base>/vendor/tfjs-wasm/ (copied from the npm package at build time).
 */
import type * as tfType from '@tensorflow/tfjs';

export type BrowserBackend = 'wasm' | 'webgl' | 'cpu';

export interface BackendReport {
  backend: string;
  /** Why the preferred backend was not used, if it was not. */
  note?: string;
}

export async function initBrowserBackend(
  tf: typeof tfType,
  wasmBaseUrl: string,
  preferred: BrowserBackend = 'wasm',
): Promise<BackendReport> {
  let note: string | undefined;
  if (preferred === 'wasm') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmBaseUrl.endsWith('/') ? wasmBaseUrl : `${wasmBaseUrl}/`);
      const ok = await tf.setBackend('wasm');
      if (!ok) note = 'the WebAssembly backend could not start';
    } catch (e) {
      note = `the WebAssembly backend could not load (${(e as Error).message})`;
    }
  } else if (!(await tf.setBackend(preferred))) {
    note = `the ${preferred} backend could not start`;
  }
  await tf.ready();
  // One real op, then ask which backend ran it.
  tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
  const backend = tf.getBackend();
  if (backend !== preferred && !note) note = `TF.js fell back from ${preferred}`;
  if (backend !== preferred) note = `${note}; running on ${backend}`;
  return { backend, note };
}
