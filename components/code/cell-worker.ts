/// <reference lib="webworker" />
/**
 * Runs a reader's TF.js snippet off the main thread, so a runaway loop never freezes the
 * page (the cell's Stop button terminates this worker). Logged tensors are printed like
 * PyTorch prints them, with their shape and dtype.
 */
import * as tf from '@tensorflow/tfjs';
import { initBrowserBackend } from '../../core/tfjs/backend';
import { describeTensor, formatTensor, type DType } from '../../core/tensor-format';
import type { CellRequest, CellResponse, CellOutputKind } from './cell-protocol';

const post = (m: CellResponse) => (self as unknown as Worker).postMessage(m);
let backendReady: Promise<void> | null = null;

function show(value: unknown, depth = 0): string {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) return '<disposed tensor>';
    const text = formatTensor(value.dataSync() as ArrayLike<number>, value.shape, value.dtype as DType);
    return `${text}\n  ↳ ${describeTensor(value.shape, value.dtype)}`;
  }
  if (typeof value === 'string') return depth === 0 ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${Array.from(value as unknown as ArrayLike<number>).join(', ')})`;
  if (depth > 3) return '…';
  if (Array.isArray(value)) return `[${value.map((v) => show(v, depth + 1)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{ ${Object.entries(value as object).map(([k, v]) => `${k}: ${show(v, depth + 1)}`).join(', ')} }`;
  }
  return String(value);
}

self.onmessage = async (event: MessageEvent<CellRequest>) => {
  const { id, code, wasmBaseUrl } = event.data;
  if (!backendReady) {
    backendReady = initBrowserBackend(tf, wasmBaseUrl).then((r) => post({ type: 'ready', ...r }));
  }
  await backendReady;
  const emit = (kind: CellOutputKind) => (...args: unknown[]) =>
    post({ type: 'output', id, kind, text: args.map((a) => show(a)).join(' ') });
  const cellConsole = { log: emit('log'), info: emit('info'), warn: emit('warn'), error: emit('error') };
  const started = performance.now();
  tf.engine().startScope();
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
    const fn = new AsyncFunction('tf', 'console', 'print', `"use strict";\n${code}`);
    await fn(tf, cellConsole, cellConsole.log);
    post({ type: 'done', id, ms: performance.now() - started });
  } catch (e) {
    const err = e as Error;
    post({ type: 'failed', id, message: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}` });
  } finally {
    // Tensors the snippet created are freed between runs.
    tf.engine().endScope();
  }
};
