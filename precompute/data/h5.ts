/**
 * The thin layer over h5wasm: load it once with HDF5's throwing error handler
 * (otherwise HDF5 only logs to stderr and hands back garbage, pitfalls.md #6),
 * check a file before HDF5 sees it (empty, not HDF5, truncated), open it, list
 * what it holds, and read a dataset's raw bytes in row blocks.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import h5wasm from 'h5wasm/node';
import type { Dataset, File as H5File, Group, Metadata } from 'h5wasm';
import { DataError } from './errors';

export type { Dataset, H5File, Group, Metadata };
type H5Module = Awaited<typeof h5wasm.ready>;

let modulePromise: Promise<H5Module> | null = null;

/** h5wasm's module, ready, with HDF5 errors turned into exceptions. */
export function loadH5(): Promise<H5Module> {
  modulePromise ??= h5wasm.ready.then((M) => {
    M.activate_throwing_error_handler();
    return M;
  });
  return modulePromise;
}

/** HDF5 class codes (H5T_class_t). */
export const H5T = {
  INTEGER: 0, FLOAT: 1, TIME: 2, STRING: 3, BITFIELD: 4, OPAQUE: 5,
  COMPOUND: 6, REFERENCE: 7, ENUM: 8, VLEN: 9, ARRAY: 10,
} as const;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** What a non-HDF5 file probably is, from its first bytes. */
function guessFormat(head: Uint8Array): string {
  const ascii = String.fromCharCode(...head.subarray(0, 8));
  if (ascii.startsWith('root')) return 'it looks like a ROOT file (convert it to HDF5, e.g. with uproot + h5py)';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'it is gzip-compressed (decompress it first)';
  if (ascii.startsWith('PK')) return 'it is a ZIP archive (unzip it first)';
  if (ascii.startsWith('\x89PNG')) return 'it is a PNG image';
  if (ascii.startsWith('CDF')) return 'it is a NetCDF-3 file (re-save it as NetCDF-4/HDF5 or with h5py)';
  if (ascii.startsWith('PAR1')) return 'it is a Parquet file';
  if (ascii.startsWith('\x93NUMPY')) return 'it is a NumPy .npy file';
  let printable = 0;
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)) printable++;
  if (head.length > 0 && printable / head.length > 0.95) {
    const firstLine = new TextDecoder().decode(head).split(/\r?\n/)[0].slice(0, 60);
    return `it is a text file starting with "${firstLine}" (CSV? an HTML error page from a failed download?)`;
  }
  return 'its first bytes are not an HDF5 signature';
}

function readBytes(fd: number, position: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

function readUint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[at + i];
  return v;
}

/**
 * Checks that `path` exists, is non-empty, has the HDF5 signature (at 0 or a
 * user-block offset 512, 1024, ...) and is as long as its superblock says.
 * Throws a DataError naming the problem otherwise.
 */
export function checkHdf5File(path: string): { size: number } {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) {
      throw new DataError('not-found', path, 'it is a directory, not a file.', [], 'give the path of the .h5 file itself.');
    }
    // Opening a FIFO would wait for a writer forever, and HDF5 needs to seek anyway.
    if (!st.isFile()) {
      throw new DataError('unreadable', path, 'it is not a regular file (a named pipe, device or socket).', [],
        'save the data to a regular .h5 file and give its path.');
    }
    size = st.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw readError(path, e);
  }
  if (size === 0) {
    throw new DataError('empty', path, 'the file is empty (0 bytes).', [],
      'copy or download the file again; an interrupted transfer often leaves an empty file.');
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw readError(path, e);
  }
  try {
    let sbAt = -1;
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      const sig = readBytes(fd, at, 8);
      if (SIGNATURE.every((b, i) => sig[i] === b)) { sbAt = at; break; }
    }
    if (sbAt < 0) {
      throw new DataError('not-hdf5', path, `this is not an HDF5 file: ${guessFormat(readBytes(fd, 0, 256))}.`, [],
        'give an HDF5 file (.h5/.hdf5) written by h5py, pandas (DataFrame.to_hdf) or PyTables.');
    }
    const sb = readBytes(fd, sbAt, 96);
    const version = sb[8];
    let eofAddress = -1, baseAddress = 0;
    if (version === 0 || version === 1) {
      const so = sb[13];
      const at = version === 0 ? 24 : 28;
      if (so >= 2 && so <= 8 && sb.length >= at + 3 * so) {
        baseAddress = readUint(sb, at, so);
        eofAddress = readUint(sb, at + 2 * so, so);
      }
    } else if (version === 2 || version === 3) {
      const so = sb[9];
      if (so >= 2 && so <= 8 && sb.length >= 12 + 3 * so) {
        baseAddress = readUint(sb, 12, so);
        eofAddress = readUint(sb, 12 + 2 * so, so);
      }
    }
    // An undefined address (all bits set) means "unknown"; skip the check then.
    if (eofAddress > 0 && eofAddress < 2 ** 52) {
      const expected = baseAddress + eofAddress;
      if (size < expected) {
        throw new DataError('truncated', path,
          `the file is truncated: it has ${size.toLocaleString('en-US')} bytes but its header says ${expected.toLocaleString('en-US')}.`, [],
          'the copy or download was probably interrupted; copy the file again and compare its size with the original.');
      }
    }
  } finally {
    closeSync(fd);
  }
  return { size };
}

/** The DataError for a file that cannot be looked at or opened, by Node's error code. */
function readError(path: string, e: unknown): DataError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new DataError('not-found', path, 'the file does not exist.', [],
      'check the path (relative paths start from the repository root), or run `npm run data:generate` to make the built-in sample.');
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new DataError('unreadable', path, 'permission denied.', [],
      `make it readable (\`chmod a+r ${path}\`, and its folders need x permission), or ask its owner for a copy.`);
  }
  return new DataError('unreadable', path, `${String((e as Error)?.message ?? e).split('\n')[0]}.`, [],
    'check the file and the disk it is on, or copy the file somewhere else and give that path.');
}

/** First line of an HDF5 diagnostic that says something useful. */
export function hdf5Reason(e: unknown): string {
  const text = String((e as Error)?.message ?? e);
  const minor = /minor: (.+)/.exec(text);
  const first = text.split('\n').find((l) => /#\d+:/.test(l));
  const what = first ? first.replace(/^.*\bin\s+\w+\(\):\s*/, '') : text.split('\n')[0];
  return minor ? `${what} (${minor[1].trim()})` : what;
}

/** Opens an HDF5 file read-only after checkHdf5File; errors become DataErrors. */
export async function openHdf5(path: string): Promise<H5File> {
  checkHdf5File(path);
  await loadH5();
  try {
    return new h5wasm.File(path, 'r');
  } catch (e) {
    throw new DataError('corrupt', path, `HDF5 cannot open it (${hdf5Reason(e)}).`, [],
      'the file is probably damaged; copy it again, or re-save it from Python with h5py or pandas.');
  }
}

export interface DatasetInfo {
  path: string;
  shape: number[];
  metadata: Metadata;
}

export interface FileListing {
  datasets: DatasetInfo[];
  groups: string[];
}

/** Every dataset and group in the file (full paths without the leading '/'). */
export function listFile(file: H5File): FileListing {
  const datasets: DatasetInfo[] = [];
  const groups: string[] = [];
  let paths: string[];
  try {
    paths = file.paths();
  } catch {
    paths = file.keys();
  }
  for (const raw of paths) {
    const p = raw.replace(/^\/+/, '');
    let entity;
    try {
      entity = file.get(p);
    } catch {
      continue;
    }
    if (!entity) continue;
    if (entity instanceof h5wasm.Dataset) {
      try {
        const md = entity.metadata;
        datasets.push({ path: p, shape: md.shape ?? [], metadata: md });
      } catch {
        // unreadable dataset header: leave it out of the listing
      }
    } else if (entity instanceof h5wasm.Group) {
      groups.push(p);
    }
  }
  return { datasets, groups };
}

/** The dataset or group at `path`, or null when there is none. */
export function getEntity(file: H5File, path: string): Dataset | Group | null {
  try {
    const e = file.get(path.replace(/^\/+/, ''));
    if (e instanceof h5wasm.Dataset || e instanceof h5wasm.Group) return e;
    return null;
  } catch {
    return null;
  }
}

export function isDataset(e: unknown): e is Dataset {
  return e instanceof h5wasm.Dataset;
}

export function isGroup(e: unknown): e is Group {
  return e instanceof h5wasm.Group;
}

/** An attribute's value as strings (bytes decoded), or null when absent or not text. */
export function stringListAttr(entity: Dataset | Group, name: string): string[] | null {
  let value: unknown;
  try {
    const attrs = entity.attrs;
    if (!(name in attrs)) return null;
    value = attrs[name].value;
  } catch {
    return null;
  }
  const toText = (v: unknown): string | null => {
    if (typeof v === 'string') return v;
    if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
    return null;
  };
  if (Array.isArray(value)) {
    const out = value.map(toText);
    return out.every((s) => s !== null) ? (out as string[]) : null;
  }
  const one = toText(value);
  return one === null ? null : [one];
}

/** A scalar text attribute (PyTables and pandas store bytes), or null. */
export function textAttr(entity: Dataset | Group, name: string): string | null {
  const list = stringListAttr(entity, name);
  return list && list.length === 1 ? list[0] : null;
}

/**
 * Reads rows [start, start+count) of a 1-D or 2-D dataset as raw bytes (file
 * layout of each element; atomic types arrive little-endian) and hands them to
 * `consume` as a DataView over a buffer that is only valid during the call.
 */
export function readRawRows(
  M: H5Module, ds: Dataset, start: number, count: number,
  consume: (view: DataView) => void,
): void {
  const md = ds.metadata;
  const shape = md.shape ?? [];
  const rowElems = shape.slice(1).reduce((a, b) => a * b, 1);
  const nbytes = count * rowElems * md.size;
  if (nbytes === 0) return;
  const ptr = M._malloc(nbytes);
  if (!ptr) throw new Error(`cannot allocate ${nbytes} bytes in the HDF5 heap`);
  try {
    const countB = [BigInt(count), ...shape.slice(1).map((s) => BigInt(s))];
    const offsetB = [BigInt(start), ...shape.slice(1).map(() => 0n)];
    const strideB = shape.map(() => 1n);
    const status = M.get_dataset_data(ds.file_id, ds.path, countB, offsetB, strideB, BigInt(ptr));
    if (status < 0) throw new Error(`HDF5 read of ${ds.path} failed (status ${status})`);
    consume(new DataView(M.HEAPU8.buffer, ptr, nbytes));
  } finally {
    M._free(ptr);
  }
}
