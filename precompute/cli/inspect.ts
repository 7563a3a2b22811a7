/**
 * npm run data:inspect -- FILE [--signal KEY] [--background KEY] [--features a,b,c] [--refuse-non-finite]
 *
 * What an event file holds and whether the book can use it: the datasets, the
 * event counts, and per column its type, min, mean, max and missing (NaN/±Inf)
 * count. Exit 0 when usable; otherwise the reason, what to do, and exit 1.
 */
import { statSync } from 'node:fs';
import { listNames } from '../data/errors';
import { openHdf5 } from '../data/h5';
import { DEFAULT_KEYS, readEventFile } from '../data/read';
import { describeContents } from '../data/sources';
import { columnStats } from '../data/stats';
import { UsageError, parseArgs, runCli, stringOption } from './args';

const USAGE = `Usage: npm run data:inspect -- FILE [options]

  --signal KEY            the signal table (default "${DEFAULT_KEYS.signal}"; inside groups: events/Signal)
  --background KEY        the background table (default "${DEFAULT_KEYS.background}")
  --features a,b,c        check that these columns exist and are numeric (default: every numeric column)
  --refuse-non-finite     treat NaN/±Inf values as an error instead of dropping those events`;

const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return v.toFixed(a >= 100 ? 2 : 4);
};

await runCli(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), ['signal', 'background', 'features'], ['refuse-non-finite', 'help']);
  if (args.options.has('help')) { console.log(USAGE); return 0; }
  if (args.positional.length !== 1) throw new UsageError(args.positional.length ? 'give exactly one file' : 'which file? give its path');
  const file = args.positional[0];
  const features = stringOption(args, 'features')?.split(',').map((s) => s.trim()).filter(Boolean);

  const h5 = await openHdf5(file);
  let contents: string[];
  try {
    contents = describeContents(h5);
  } finally {
    h5.close();
  }
  console.log(`${file} (${(statSync(file).size / 2 ** 20).toFixed(2)} MiB)`);
  console.log('Datasets found:');
  for (const c of contents) console.log(`  ${c}`);

  const res = await readEventFile(file, {
    signal: stringOption(args, 'signal'),
    background: stringOption(args, 'background'),
    features,
    nonFinite: args.options.has('refuse-non-finite') ? 'refuse' : 'keep',
  });
  const { table, sources } = res;
  for (const [role, cls, src] of [['Signal', table.signal, sources.signal], ['Background', table.background, sources.background]] as const) {
    console.log(`\n${role}: "${cls.key}" (${src.layout}), ${cls.count.toLocaleString('en-US')} events`);
    const w = Math.max(6, ...table.features.map((f) => f.length));
    console.log(`  ${'column'.padEnd(w)}  ${'type'.padEnd(18)} ${'min'.padStart(12)} ${'mean'.padStart(12)} ${'max'.padStart(12)} ${'missing'.padStart(8)}`);
    for (const f of table.features) {
      const col = src.columns.find((c) => c.name === f)!;
      const s = columnStats(cls.columns[f]);
      console.log(`  ${f.padEnd(w)}  ${col.type.padEnd(18)} ${fmt(s.min).padStart(12)} ${fmt(s.mean).padStart(12)} ${fmt(s.max).padStart(12)} ${String(s.missing).padStart(8)}`);
    }
    const other = src.columns.filter((c) => !table.features.includes(c.name));
    if (other.length) console.log(`  not used: ${listNames(other.map((c) => `${c.name} (${c.type}${c.field ? '' : ', not numeric'})`))}`);
  }

  const bad = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  const nSigBad = bad(res.nonFinite.signal.perColumn), nBkgBad = bad(res.nonFinite.background.perColumn);
  for (const w of res.warnings) console.log(`\nNote: ${w}`);
  if (nSigBad + nBkgBad > 0) {
    console.log('\nNote: some values are NaN or ±Inf (see "missing"); the book drops those events when it reads the file '
      + '(pass --refuse-non-finite to treat them as an error).');
  }
  console.log(`\nUsable: ${table.features.length} numeric feature${table.features.length === 1 ? '' : 's'}, `
    + `${table.signal.count.toLocaleString('en-US')} signal and ${table.background.count.toLocaleString('en-US')} background events.`);
  return 0;
});
