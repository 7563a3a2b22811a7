/**
 * The Palmer penguins as the course uses them. The raw file (vega-datasets'
 * data/penguins.json, 344 rows) names the columns "Beak Length (mm)" etc.; the course
 * (seaborn / pandas) calls them bill_length_mm etc. Cleaning as the course does it:
 * a row with any missing value is dropped — `null`, and the one Sex recorded as "." —
 * which leaves 333 rows. Pure functions: the build and the page share them.
 */
export type Species = 'Adelie' | 'Chinstrap' | 'Gentoo';
export const SPECIES: readonly Species[] = ['Adelie', 'Chinstrap', 'Gentoo'];

export interface Penguin {
  species: Species;
  island: string;
  bill_length_mm: number;
  bill_depth_mm: number;
  flipper_length_mm: number;
  body_mass_g: number;
  sex: 'MALE' | 'FEMALE';
}

export type NumericColumn = 'bill_length_mm' | 'bill_depth_mm' | 'flipper_length_mm' | 'body_mass_g';
export const NUMERIC_COLUMNS: readonly NumericColumn[] = ['flipper_length_mm', 'bill_length_mm', 'bill_depth_mm', 'body_mass_g'];

/** Words for axis labels and prose. */
export const COLUMN_LABELS: Record<NumericColumn, string> = {
  flipper_length_mm: 'flipper length (mm)',
  bill_length_mm: 'bill length (mm)',
  bill_depth_mm: 'bill depth (mm)',
  body_mass_g: 'body mass (g)',
};

/** Raw field name in vega-datasets → the course's column name. */
export const RAW_FIELDS = {
  Species: 'species',
  Island: 'island',
  'Beak Length (mm)': 'bill_length_mm',
  'Beak Depth (mm)': 'bill_depth_mm',
  'Flipper Length (mm)': 'flipper_length_mm',
  'Body Mass (g)': 'body_mass_g',
  Sex: 'sex',
} as const;

export type RawPenguin = Record<keyof typeof RAW_FIELDS, string | number | null>;

export interface DroppedRow {
  /** Position in the raw file (0-based, like a pandas index). */
  index: number;
  row: RawPenguin;
  /** Course column names of the fields that made the row unusable. */
  missing: string[];
}

export interface CleanResult {
  rows: Penguin[];
  dropped: DroppedRow[];
  rawCount: number;
}

/** A value the course counts as missing: null/undefined, NaN, an empty string, or ".". */
export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) || (typeof v === 'string' && (v.trim() === '' || v.trim() === '.'));
}

/** Drops every row with a missing value; checks the remaining values have the right types. */
export function cleanPenguins(raw: unknown): CleanResult {
  if (!Array.isArray(raw)) throw new Error('penguins: expected an array of rows');
  const rows: Penguin[] = [];
  const dropped: DroppedRow[] = [];
  raw.forEach((r, index) => {
    if (typeof r !== 'object' || r === null) throw new Error(`penguins: row ${index} is not an object`);
    const row = r as RawPenguin;
    const missing = (Object.keys(RAW_FIELDS) as (keyof typeof RAW_FIELDS)[]).filter((k) => isMissing(row[k])).map((k) => RAW_FIELDS[k]);
    if (missing.length) { dropped.push({ index, row, missing }); return; }
    const species = row.Species as Species;
    if (!SPECIES.includes(species)) throw new Error(`penguins: row ${index} has unknown species ${JSON.stringify(row.Species)}`);
    const sex = String(row.Sex).toUpperCase();
    if (sex !== 'MALE' && sex !== 'FEMALE') throw new Error(`penguins: row ${index} has sex ${JSON.stringify(row.Sex)}`);
    const num = (k: keyof typeof RAW_FIELDS) => {
      const v = row[k];
      if (typeof v !== 'number') throw new Error(`penguins: row ${index} ${k} is not a number (${JSON.stringify(v)})`);
      return v;
    };
    rows.push({
      species, island: String(row.Island), sex,
      bill_length_mm: num('Beak Length (mm)'), bill_depth_mm: num('Beak Depth (mm)'),
      flipper_length_mm: num('Flipper Length (mm)'), body_mass_g: num('Body Mass (g)'),
    });
  });
  return { rows, dropped, rawCount: raw.length };
}

export function column(rows: readonly Penguin[], name: NumericColumn): Float64Array {
  return Float64Array.from(rows, (r) => r[name]);
}

/** Adelie and Chinstrap only, in file order, with label 1 = Chinstrap (as the course). */
export function adelieVsChinstrap(rows: readonly Penguin[]): Penguin[] {
  return rows.filter((r) => r.species === 'Adelie' || r.species === 'Chinstrap');
}

export function speciesIndex(s: Species): number {
  return SPECIES.indexOf(s);
}
