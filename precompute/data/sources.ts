/**
 * The table layouts instructors bring, each turned into a list of columns that
 * can be decoded straight from raw bytes (no row-by-row objects):
 *
 *  - compound: a 1-D compound dataset, one member per column (the course's
 *    layout, `pd.DataFrame(f['Signal'][:])`); members of any int/uint/float
 *    size and either byte order; array members become name[0], name[1], ...
 *  - matrix: a 2-D numeric dataset with the column names in a `columns` attribute
 *  - pandas-fixed: DataFrame.to_hdf(format='fixed'), blocks of 2-D arrays
 *  - pandas-table: DataFrame.to_hdf(format='table'), a PyTables table with
 *    values_block_N array members (or one member per data column)
 */
import { DataError, listNames } from './errors';
import {
  type Dataset, type Group, type H5File, type Metadata,
  H5T, getEntity, isDataset, isGroup, listFile, readRawRows, stringListAttr, textAttr, loadH5,
} from './h5';
import { pickleStrings } from './pickle';

/** How to decode one value from a row: byte offset in the row, size, kind, byte order. */
export interface Field {
  offset: number;
  size: number;
  kind: 'f' | 'i' | 'u';
  littleEndian: boolean;
}

export interface Column {
  name: string;
  /** Human type, e.g. "float64", "int64 (big-endian)", "string". */
  type: string;
  /** Present when the column is numeric and decodable. */
  field?: Field;
  dataset: Dataset;
}

export type Layout = 'compound' | 'matrix' | 'pandas-fixed' | 'pandas-table';

export interface ClassSource {
  key: string;
  layout: Layout;
  count: number;
  columns: Column[];
  /** Datasets whose data will be read (for the filter check). */
  datasets: Dataset[];
}

function typeName(md: Metadata): string {
  const order = md.littleEndian ? '' : ' (big-endian)';
  switch (md.type) {
    case H5T.INTEGER: return `${md.signed ? 'int' : 'uint'}${md.size * 8}${md.size > 1 ? order : ''}`;
    case H5T.FLOAT: return `float${md.size * 8}${order}`;
    case H5T.ENUM: return md.size === 1 ? 'enum/bool' : 'enum';
    case H5T.STRING: return md.vlen ? 'string (variable length)' : `string (${md.size} bytes)`;
    case H5T.COMPOUND: return 'compound';
    case H5T.ARRAY: return 'array';
    case H5T.VLEN: return 'variable-length sequence';
    case H5T.REFERENCE: return 'reference';
    case H5T.OPAQUE: return 'opaque bytes';
    case H5T.BITFIELD: return 'bitfield';
    case H5T.TIME: return 'time';
    default: return `HDF5 type class ${md.type}`;
  }
}

/** Decodable numeric field for an atomic type, or undefined. */
function numericField(md: Metadata, offset: number, littleEndian: boolean): Field | undefined {
  if (md.type === H5T.FLOAT && (md.size === 2 || md.size === 4 || md.size === 8)) {
    return { offset, size: md.size, kind: 'f', littleEndian };
  }
  if ((md.type === H5T.INTEGER || md.type === H5T.ENUM) && [1, 2, 4, 8].includes(md.size)) {
    return { offset, size: md.size, kind: md.signed ? 'i' : 'u', littleEndian };
  }
  return undefined;
}

const isNumericClass = (t: number) => t === H5T.INTEGER || t === H5T.FLOAT || t === H5T.ENUM;

/**
 * Byte order of compound members as h5wasm hands them over. It asks HDF5 for a
 * little-endian copy of the file type, which converts every member when the
 * compound as a whole is big-endian, and none when its members mix orders (we
 * checked both cases against files written by h5py; tests keep it so).
 */
function compoundMembersConverted(md: Metadata): boolean {
  const orders: boolean[] = [];
  for (const m of md.compound_type?.members ?? []) {
    const base = m.type === H5T.ARRAY && m.array_type ? m.array_type : m;
    if (isNumericClass(base.type) && base.size > 1) orders.push(base.littleEndian);
  }
  return orders.length > 0 && orders.every((le) => !le);
}

function compoundColumns(ds: Dataset, md: Metadata, arrayNames?: (member: string, n: number) => string[] | null): Column[] {
  const converted = compoundMembersConverted(md);
  const columns: Column[] = [];
  for (const m of md.compound_type?.members ?? []) {
    if (m.type === H5T.ARRAY && m.array_type) {
      const base = m.array_type;
      const n = (base.shape ?? []).reduce((a, b) => a * b, 1);
      const names = arrayNames?.(m.name, n) ?? Array.from({ length: n }, (_, j) => `${m.name}[${j}]`);
      for (let j = 0; j < n; j++) {
        const le = converted || base.littleEndian || base.size === 1;
        columns.push({ name: names[j], type: typeName(base), field: numericField(base, m.offset + j * base.size, le), dataset: ds });
      }
      continue;
    }
    const le = converted || m.littleEndian || m.size === 1;
    columns.push({ name: m.name, type: typeName(m), field: numericField(m, m.offset, le), dataset: ds });
  }
  return columns;
}

/** Columns of a 2-D numeric dataset (atomic types arrive little-endian). */
function matrixColumns(ds: Dataset, md: Metadata, names: string[]): Column[] {
  return names.map((name, j) => ({
    name, type: typeName(md), field: numericField(md, j * md.size, true), dataset: ds,
  }));
}

function pandasTableSource(h5: H5File, file: string, key: string, group: Group): ClassSource {
  const table = getEntity(h5, `${group.path}/table`);
  if (!isDataset(table) || table.metadata.type !== H5T.COMPOUND) {
    throw new DataError('unsupported-layout', file, `"${key}" looks like a pandas table but has no readable "table" dataset.`, [],
      'write the DataFrame again with `df.to_hdf(path, key=..., format="table")` or `format="fixed"`.');
  }
  const md = table.metadata;
  const kindNames = (member: string, n: number): string[] | null => {
    const raw = rawAttrBytes(table, `${member}_kind`);
    const names = raw ? pickleStrings(raw) : null;
    return names && names.length === n ? names : null;
  };
  let columns = compoundColumns(table, md, kindNames).filter((c) => c.name !== 'index');
  // Column order of the DataFrame, when pandas recorded it.
  const axesRaw = rawAttrBytes(group, 'non_index_axes');
  const order = axesRaw ? pickleStrings(axesRaw) : null;
  if (order && order.length === columns.length && order.every((n) => columns.some((c) => c.name === n))) {
    columns = order.map((n) => columns.find((c) => c.name === n)!);
  }
  return { key, layout: 'pandas-table', count: md.shape?.[0] ?? 0, columns, datasets: [table] };
}

function pandasFixedSource(root: H5File, file: string, key: string, group: Group): ClassSource {
  const nblocks = Number((group.attrs['nblocks']?.value as number | bigint | undefined) ?? 0);
  const columns: Column[] = [];
  const datasets: Dataset[] = [];
  let count = -1;
  for (let b = 0; b < nblocks; b++) {
    const values = getEntity(root, `${group.path}/block${b}_values`);
    const items = getEntity(root, `${group.path}/block${b}_items`);
    if (!isDataset(values) || !isDataset(items)) continue;
    const names = (items.value as unknown as (string | Uint8Array)[]).map((v) =>
      typeof v === 'string' ? v : new TextDecoder().decode(v).replace(/\0+$/, ''));
    const md = values.metadata;
    const shape = md.shape ?? [];
    if (shape.length === 2 && isNumericClass(md.type)) {
      columns.push(...matrixColumns(values, md, names));
      datasets.push(values);
      count = shape[0];
    } else {
      // Object (string) blocks are pickled variable-length arrays: not numeric.
      for (const name of names) columns.push({ name, type: md.type === H5T.VLEN ? 'object (strings)' : typeName(md), dataset: values });
      if (shape.length >= 1 && count < 0) count = shape[0];
    }
  }
  // DataFrame column order from axis0.
  const axis0 = getEntity(root, `${group.path}/axis0`);
  if (isDataset(axis0)) {
    try {
      const order = (axis0.value as unknown as (string | Uint8Array)[]).map((v) =>
        typeof v === 'string' ? v : new TextDecoder().decode(v).replace(/\0+$/, ''));
      if (order.length === columns.length && order.every((n) => columns.some((c) => c.name === n))) {
        columns.splice(0, columns.length, ...order.map((n) => columns.find((c) => c.name === n)!));
      }
    } catch {
      // integer column labels etc.: keep block order
    }
  }
  if (columns.length === 0) {
    throw new DataError('unsupported-layout', file, `"${key}" is a pandas DataFrame without readable columns.`, [],
      'write the DataFrame again with `df.to_hdf(path, key=..., format="table")`.');
  }
  return { key, layout: 'pandas-fixed', count: Math.max(count, 0), columns, datasets };
}

/** The raw bytes of a text attribute (for pickles, which may hold NUL bytes). */
function rawAttrBytes(entity: Dataset | Group, name: string): Uint8Array | null {
  const text = textAttr(entity, name);
  return text === null ? null : new TextEncoder().encode(text);
}

/** Everything a message can list: datasets and DataFrames, without pandas/PyTables internals. */
export function describeContents(file: H5File): string[] {
  const { datasets, groups } = listFile(file);
  const frames = new Set<string>();
  const out: string[] = [];
  for (const g of groups) {
    const entity = getEntity(file, g);
    const kind = entity && isGroup(entity) ? textAttr(entity, 'pandas_type') : null;
    if (kind === 'frame' || kind === 'frame_table') {
      frames.add(g);
      out.push(`${g} (pandas DataFrame, ${kind === 'frame' ? 'fixed' : 'table'} format)`);
    }
  }
  for (const d of datasets) {
    if ([...frames].some((f) => d.path.startsWith(`${f}/`)) || /(^|\/)_i_/.test(d.path)) continue;
    out.push(`${d.path} (${d.shape.length ? d.shape.join(' x ') : 'scalar'}, ${typeName(d.metadata)})`);
  }
  return out;
}

/** A table the user probably meant: same path ignoring case, or the same name inside a group. */
function nearMatch(file: H5File, key: string): string | null {
  const { datasets, groups } = listFile(file);
  const want = key.toLowerCase().replace(/^\/+/, '');
  const all = [...groups, ...datasets.map((d) => d.path)].filter((p) => !/(^|\/)_i_/.test(p));
  return all.find((p) => p.toLowerCase() === want)
    ?? all.find((p) => p.toLowerCase().split('/').pop() === want.split('/').pop())
    ?? null;
}

/** Finds the table for one class (`role` is "signal" or "background", for messages). */
export function resolveClass(file: H5File, fileName: string, key: string, role: 'signal' | 'background'): ClassSource {
  const entity = getEntity(file, key);
  const flag = `--${role}`;
  if (!entity) {
    const near = nearMatch(file, key);
    const contents = describeContents(file);
    const details = contents.length ? ['The file has:', ...contents.map((c) => `  ${c}`)] : ['The file has no datasets at all (it may be damaged).'];
    throw new DataError('class-missing', fileName, `there is no "${key}" dataset for the ${role} class.`, details,
      near ? `the file has "${near}": pass \`${flag} ${near}\` (or set the class keys in the dataset's config).`
        : `pass the right path with \`${flag} KEY\` (paths inside groups look like events/Signal), or set the class keys in the dataset's config.`);
  }
  if (isGroup(entity)) {
    const kind = textAttr(entity, 'pandas_type');
    if (kind === 'frame') return pandasFixedSource(file, fileName, key, entity);
    if (kind === 'frame_table') return pandasTableSource(file, fileName, key, entity);
    const table = getEntity(file, `${entity.path}/table`);
    if (isDataset(table) && table.metadata.type === H5T.COMPOUND) return compoundSource(fileName, key, table);
    throw new DataError('unsupported-layout', fileName, `"${key}" is a group, not a table.`,
      [`It holds: ${listNames(entity.keys())}`],
      `pass the path of the table inside it, e.g. \`${flag} ${key.replace(/\/$/, '')}/${entity.keys()[0] ?? 'Signal'}\`.`);
  }
  const ds = entity as Dataset;
  const md = ds.metadata;
  const shape = md.shape ?? [];
  if (md.type === H5T.COMPOUND && (shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    return compoundSource(fileName, key, ds);
  }
  if (isNumericClass(md.type) && shape.length === 2) {
    let names = stringListAttr(ds, 'columns') ?? stringListAttr(ds, 'column_names') ?? stringListAttr(ds, 'features');
    if (!names || names.length !== shape[1]) {
      const got = names ? `its "columns" attribute has ${names.length} names for ${shape[1]} columns` : 'it has no "columns" attribute';
      throw new DataError('unsupported-layout', fileName, `"${key}" is a ${shape[0]} x ${shape[1]} matrix but ${got}.`, [],
        `add the column names in h5py: \`f["${key}"].attrs["columns"] = [...names...]\` (one per column), or store a compound dataset.`);
    }
    return { key, layout: 'matrix', count: shape[0], columns: matrixColumns(ds, md, names), datasets: [ds] };
  }
  throw new DataError('unsupported-layout', fileName,
    `"${key}" is a ${shape.length ? shape.join(' x ') : 'scalar'} ${typeName(md)} dataset, not an event table.`, [],
    'store one table per class: a 1-D compound dataset (a NumPy structured array or `df.to_records(index=False)`), '
    + 'a 2-D numeric dataset with a "columns" attribute, or a pandas DataFrame via `df.to_hdf`.');
}

function compoundSource(fileName: string, key: string, ds: Dataset): ClassSource {
  const md = ds.metadata;
  return { key, layout: 'compound', count: md.shape?.[0] ?? 0, columns: compoundColumns(ds, md), datasets: [ds] };
}

/** HDF5 filters that h5wasm's HDF5 has built in. */
const BUILTIN_FILTERS = new Set([1, 2, 3, 4, 5, 6]);
/** Registered IDs of common plugin filters (https://github.com/HDFGroup/hdf5_plugins/blob/master/docs/RegisteredFilterPlugins.md). */
const PLUGIN_FILTERS: Record<number, string> = {
  305: 'LZO', 307: 'bzip2', 32000: 'LZF', 32001: 'Blosc', 32002: 'MAFISC', 32003: 'Snappy', 32004: 'LZ4',
  32005: 'APAX', 32006: 'CBF', 32007: 'JPEG-XR', 32008: 'Bitshuffle', 32009: 'SPDP', 32010: 'LPC-Rice',
  32011: 'CCSDS-123', 32012: 'JPEG-LS', 32013: 'zfp', 32014: 'fpzip', 32015: 'Zstandard', 32016: 'B³D',
  32017: 'SZ', 32018: 'FCIDECOMP', 32019: 'JPEG', 32020: 'VBZ', 32022: 'SZ3', 32023: 'Delta-Rice',
  32024: 'BLOSC2 (ZFP)', 32025: 'SZ3', 32026: 'Blosc2', 32028: 'FLAC',
};

/** Refuses datasets compressed with a filter h5wasm cannot decode, before reading garbage. */
export function checkFilters(fileName: string, key: string, source: ClassSource): void {
  for (const ds of source.datasets) {
    let filters: { id: number; name: string }[];
    try {
      filters = ds.filters;
    } catch {
      continue;
    }
    const bad = filters.find((f) => !BUILTIN_FILTERS.has(f.id));
    if (bad) {
      const name = PLUGIN_FILTERS[bad.id] ?? (bad.name || `filter ${bad.id}`);
      const resave = source.layout.startsWith('pandas')
        ? `in Python with pandas: \`pd.read_hdf(old, "${key}").to_hdf(new, key="${key}", format="table", complib="zlib", complevel=4)\``
        : `in Python with h5py${bad.id === 32000 ? '' : ' (after `import hdf5plugin`, which lets h5py read it)'}: \`h5py.File(new, "a").create_dataset("${key}", data=h5py.File(old)["${key}"][:], compression="gzip")\``;
      throw new DataError('unsupported-filter', fileName,
        `"${key}" is compressed with ${name} (HDF5 filter ${bad.id}), which the book's HDF5 reader (h5wasm) cannot decompress.`, [],
        `re-save it with gzip (zlib) compression, ${resave}.`);
    }
  }
}

/** Rows per HDF5 read, and per decoding pass (a few hundred kB: stays in cache). */
const BLOCK_ROWS = 65536;
const DECODE_ROWS = 4096;

/** Decodes the requested columns of a class into Float64Arrays, straight from raw bytes. */
export async function readColumns(source: ClassSource, names: string[]): Promise<Record<string, Float64Array>> {
  const M = await loadH5();
  const out: Record<string, Float64Array> = {};
  const byDataset = new Map<Dataset, { field: Field; dest: Float64Array }[]>();
  for (const name of names) {
    const col = source.columns.find((c) => c.name === name);
    if (!col?.field) throw new Error(`column ${name} is not numeric`);
    const dest = new Float64Array(source.count);
    out[name] = dest;
    const list = byDataset.get(col.dataset) ?? [];
    list.push({ field: col.field, dest });
    byDataset.set(col.dataset, list);
  }
  for (const [ds, fields] of byDataset) {
    const md = ds.metadata;
    const shape = md.shape ?? [];
    const rowBytes = shape.slice(1).reduce((a, b) => a * b, 1) * md.size;
    for (let start = 0; start < source.count; start += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, source.count - start);
      readRawRows(M, ds, start, n, (view) => {
        // Decode in sub-blocks that stay in the CPU cache while every column is pulled out.
        for (let s0 = 0; s0 < n; s0 += DECODE_ROWS) {
          const m = Math.min(DECODE_ROWS, n - s0);
          const sub = new DataView(view.buffer, view.byteOffset + s0 * rowBytes, m * rowBytes);
          for (const { field, dest } of fields) decodeField(sub, rowBytes, m, field, dest, start + s0);
        }
      });
    }
  }
  return out;
}

/** One column of `n` rows from a row-major byte block into dest[at..at+n). */
export function decodeField(view: DataView, rowBytes: number, n: number, f: Field, dest: Float64Array, at: number): void {
  const le = f.littleEndian;
  let p = f.offset;
  const key = `${f.kind}${f.size}`;
  switch (key) {
    case 'f8': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getFloat64(p, le); break;
    case 'f4': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getFloat32(p, le); break;
    case 'f2': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = half(view.getUint16(p, le)); break;
    case 'i1': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getInt8(p); break;
    case 'u1': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getUint8(p); break;
    case 'i2': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getInt16(p, le); break;
    case 'u2': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getUint16(p, le); break;
    case 'i4': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getInt32(p, le); break;
    case 'u4': for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getUint32(p, le); break;
    // 64-bit integers as numbers, never BigInt (pitfalls.md #5): high word * 2^32 + low word,
    // exact up to 2^53 like Number(BigInt).
    case 'i8': {
      const hi = le ? 4 : 0, lo = le ? 0 : 4;
      for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getInt32(p + hi, le) * 4294967296 + view.getUint32(p + lo, le);
      break;
    }
    case 'u8': {
      const hi = le ? 4 : 0, lo = le ? 0 : 4;
      for (let i = 0; i < n; i++, p += rowBytes) dest[at + i] = view.getUint32(p + hi, le) * 4294967296 + view.getUint32(p + lo, le);
      break;
    }
    default: throw new Error(`cannot decode ${key}`);
  }
}

/** IEEE 754 half precision to number. */
function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
