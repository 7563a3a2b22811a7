/**
 * Loads a dataset's events through the book's event-file reader
 * (precompute/data/read.ts: validation, NaN handling, clear messages) and
 * hashes them for the cache (precompute/data/hash.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { EventTable } from '../../core/events';
import type { DatasetConfig } from '../../core/schema';
import { readEventFile } from '../data/read';
import { tableSha256 } from '../data/hash';

export type EventData = EventTable;

export interface LoadedData {
  data: EventData;
  /** SHA-256 of the file's bytes. */
  fileSha256: string;
  /** What the reader did that a person should know (dropped events, ...). */
  warnings: string[];
}

/** Every column any feature set uses, in first-use order. */
export function neededFeatures(c: DatasetConfig): string[] {
  const seen = new Set<string>();
  for (const fs of Object.values(c.featureSets)) for (const f of fs) seen.add(f);
  return [...seen];
}

export async function loadEvents(root: string, c: DatasetConfig): Promise<LoadedData> {
  const path = resolve(root, c.source);
  // Relative to the working directory when possible: the reader's messages name this path.
  const shown = relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
  const r = await readEventFile(shown, {
    signal: c.classes.signal, background: c.classes.background, features: neededFeatures(c), nonFinite: 'drop',
  });
  const fileSha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { data: r.table, fileSha256, warnings: r.warnings };
}

/** SHA-256 of the decoded events (names, counts, every value): the data part of the cache key. */
export const dataHash = (d: EventData): string => tableSha256(d);
