/** Messages between a runnable code cell and its Web Worker. */
export type CellRequest = { type: 'run'; id: number; code: string; wasmBaseUrl: string };

export type CellOutputKind = 'log' | 'warn' | 'error' | 'info';
export type CellResponse =
  | { type: 'ready'; backend: string; note?: string }
  | { type: 'output'; id: number; kind: CellOutputKind; text: string }
  | { type: 'done'; id: number; ms: number }
  | { type: 'failed'; id: number; message: string };
