/**
 * The reader against files written by h5py, pandas and PyTables: the shared
 * course-layout fixture with values h5py reads, every integer/float type in
 * either byte order, chunked gzip + shuffle, tables inside groups, 2-D matrices
 * with a `columns` attribute, and pandas' fixed and table formats.
 */
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tableSha256 } from '../../precompute/data/hash';
import { readEventFile } from '../../precompute/data/read';
import { writeEventFile } from '../../precompute/data/write';
import { FIXTURES, tempDir } from './helpers/event-files';

const repo = resolve(__dirname, '../..');
/** CI has the shared fixtures beside the clone. */
const SHARED = resolve(repo, '../shared/fixtures/hdf5/course-layout-small.h5');
const fx = (name: string) => join(FIXTURES, name);

/** The formulas of tests/fixtures/hdf5/make_fixtures.py (row r, Signal from 0, Background from 1000). */
const SIZES = { Signal: 30, Background: 20 };
const rows = (key: 'Signal' | 'Background') => Array.from({ length: SIZES[key] }, (_, i) => i + (key === 'Signal' ? 0 : 1000));
const typed: Record<string, (r: number) => number> = {
  a: (r) => r * 0.25 - 3,
  b: (r) => r * 0.5,
  c: (r) => (r % 200) - 100,
  d: (r) => 0 - 7 * r,
  e: (r) => 1000 * r - 5,
  f: (r) => -(2 ** 40) + r,
  g: (r) => r % 256,
  h: (r) => (3 * r) % 65536,
  i: (r) => 100000 * r,
  j: (r) => 2 ** 50 + r,
  k: (r) => (r % 2 === 0 ? 1 : 0),
};
const frame: Record<string, (r: number) => number> = {
  x: (r) => r * 0.25 - 3,
  Njets: (r) => r % 7,
  y: (r) => r * 0.5,
  small: (r) => (r % 100) - 50,
  z: (r) => r * 1.25,
};

function expectColumns(table: Awaited<ReturnType<typeof readEventFile>>['table'], formulas: Record<string, (r: number) => number>) {
  for (const [key, cls] of [['Signal', table.signal], ['Background', table.background]] as const) {
    expect(cls.count).toBe(SIZES[key]);
    for (const [name, f] of Object.entries(formulas)) {
      const col = cls.columns[name];
      expect(col, `${key}.${name}`).toBeInstanceOf(Float64Array);
      expect(Array.from(col), `${key}.${name}`).toEqual(rows(key).map(f));
    }
  }
}

describe('the course layout (shared fixture written by h5py)', () => {
  it('reads every column with the values h5py reads', async () => {
    if (!existsSync(SHARED)) throw new Error(`${SHARED} is missing: the tests need ../shared/fixtures beside the repository`);
    const r = await readEventFile(SHARED);
    expect(r.table.features).toHaveLength(26);
    expect(r.table.features[16]).toBe('Njets');
    expect(r.table.signal.count).toBe(400);
    expect(r.table.background.count).toBe(600);
    expect(r.sources.signal.columns.find((c) => c.name === 'Njets')?.type).toBe('int64');
    const s = r.table.signal.columns, b = r.table.background.columns;
    // Numbers read with /usr/bin/python3 + h5py: f['Signal'][row][column].
    expect(s.lepton0_px[0]).toBe(-30.1669224532766);
    expect(s.HT_all[0]).toBe(-27.14266669089964);
    expect(s.angle_between_leptons[1]).toBe(4.07555276260955);
    expect(s.jet1_energy[1]).toBe(-154.48903214189218);
    expect(s.lepton0_px[399]).toBe(22.738250414952805);
    expect(s.angle_between_leptons[399]).toBe(49.62103459064786);
    expect(b.lepton0_px[0]).toBe(1.7096383626592084);
    expect(b.jet1_energy[599]).toBe(19.068410717456846);
    // int64 Njets arrive as plain numbers (pitfalls.md #5: h5wasm would give BigInt).
    expect([s.Njets[0], s.Njets[1], s.Njets[399], b.Njets[0], b.Njets[599]]).toEqual([0, 1, 2, 4, 6]);
    expect(typeof s.Njets[0]).toBe('number');
    expect(s.Njets.reduce((x, y) => x + y, 0)).toBe(1247);
    expect(b.HT_all.reduce((x, y) => x + y, 0)).toBeCloseTo(-1553.70905469521, 9);
    expect(r.warnings).toEqual([]);
  });

  it('reads a chosen subset of features in the order asked', async () => {
    if (!existsSync(SHARED)) return;
    const r = await readEventFile(SHARED, { features: ['HT_all', 'Njets'] });
    expect(r.table.features).toEqual(['HT_all', 'Njets']);
    expect(Object.keys(r.table.signal.columns)).toEqual(['HT_all', 'Njets']);
    expect(r.table.signal.columns.HT_all[0]).toBe(-27.14266669089964);
  });
});

describe('types, byte orders, compression and groups', () => {
  it('int8-64, uint8-64, float32/64 and bool in mixed byte orders, chunked with shuffle + gzip, inside a group', async () => {
    const r = await readEventFile(fx('typed-groups.h5'), { signal: 'events/Signal', background: 'events/Background' });
    expect(r.sources.signal.layout).toBe('compound');
    expect(r.table.features).toEqual(Object.keys(typed));
    expectColumns(r.table, typed);
    expect(r.sources.signal.columns.find((c) => c.name === 'f')?.type).toBe('int64 (big-endian)');
    expect(r.warnings.join(' ')).toContain('Left out non-numeric columns: label (string (8 bytes))');
  });

  it('a compound whose members are all big-endian (converted as a whole by HDF5)', async () => {
    const r = await readEventFile(fx('big-endian.h5'));
    const { a, b, f, e, h } = typed;
    expectColumns(r.table, { a, b, f, e, h });
  });

  it('a 2-D matrix per class with the names in a "columns" attribute (strings or bytes; float32 gzip, float64 big-endian)', async () => {
    const r = await readEventFile(fx('matrix.h5'));
    expect(r.sources.signal.layout).toBe('matrix');
    expect(r.table.features).toEqual(['x', 'y', 'Njets']);
    expectColumns(r.table, { x: frame.x, y: frame.y, Njets: frame.Njets });
  });
});

describe('pandas DataFrame.to_hdf', () => {
  it('fixed format: blocks per dtype, in the DataFrame column order', async () => {
    const r = await readEventFile(fx('pandas-fixed.h5'));
    expect(r.sources.signal.layout).toBe('pandas-fixed');
    expect(r.table.features).toEqual(['x', 'Njets', 'y', 'small', 'z']);
    expectColumns(r.table, frame);
  });

  it('table format: values_block members named from the pickled column lists; text columns left out', async () => {
    const r = await readEventFile(fx('pandas-table.h5'));
    expect(r.sources.signal.layout).toBe('pandas-table');
    expect(r.table.features).toEqual(['x', 'Njets', 'y', 'small', 'z']);
    expectColumns(r.table, frame);
    expect(r.warnings.join(' ')).toContain('name (string');
  });

  it('table format with data_columns=True and zlib compression', async () => {
    const r = await readEventFile(fx('pandas-table-dc.h5'));
    expect(r.table.features).toEqual(['x', 'Njets', 'y', 'small', 'z']);
    expectColumns(r.table, frame);
  });

  it('the same events in different layouts decode to the same table hash', async () => {
    const features = ['x', 'Njets', 'y', 'small', 'z'];
    const hashes = await Promise.all(['pandas-fixed.h5', 'pandas-table.h5', 'pandas-table-dc.h5']
      .map(async (f) => tableSha256((await readEventFile(fx(f), { features })).table)));
    expect(new Set(hashes).size).toBe(1);
  });
});

describe('writing the course layout', () => {
  it('round-trips through writeEventFile exactly, Njets as int64', async () => {
    const tmp = tempDir();
    try {
      const r = await readEventFile(fx('typed-groups.h5'), { signal: 'events/Signal', background: 'events/Background', features: ['a', 'b', 'k'] });
      const out = join(tmp.dir, 'copy.h5');
      await writeEventFile(out, ['a', 'b', 'k'], { Signal: r.table.signal, Background: r.table.background }, { integerColumns: ['k'] });
      const back = await readEventFile(out);
      expect(back.sources.signal.columns.map((c) => c.type)).toEqual(['float64', 'float64', 'int64']);
      expect(tableSha256(back.table)).toBe(tableSha256(r.table));
    } finally {
      tmp.cleanup();
    }
  });
});
