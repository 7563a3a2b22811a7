/**
 * npm run book -- --data PATH.h5 [--id NAME] [--title TEXT] [--signal KEY --background KEY]
 *                 [--features a,b,c] [--profile quick|full] [--backend auto|node-gpu|node|wasm|cpu]
 *                 [--jobs N] [--template FILE] [--dry-run] [--shard i/n] [--no-build]
 *
 * Rebuilds the book from an instructor's HDF5 file: validates it (precompute/data), writes
 * content/datasets/<id>.json (precompute/book/dataset-config.ts), trains the runs
 * (npm run precompute), makes it the book's dataset (content/book.json) and builds the
 * site (npm run build). --dry-run only validates and prints what would be trained, the
 * events per split and a time estimate from a short measured burst; it writes nothing.
 * --shard i/n trains one share of the runs for a batch job array (then
 * `npm run precompute -- merge`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openEventFile, readEventFile } from '../data/read';
import { BACKEND_CHOICES, selectBackend, type BackendChoice } from '../train/backend';
import { PrecomputeError } from '../train/errors';
import { runTrainingCli } from './args';
import { writeFileAtomic } from '../train/assets';
import { neededFeatures } from '../train/data';
import { checkJobs } from '../train/pipeline';
import { formatDuration } from '../train/progress';
import { checkId, deriveConfig, idFromFileName, loadTemplate, parseShard, shardRuns, TEMPLATE_PATH } from '../book/dataset-config';
import { estimateRuns, splitSizes } from '../book/estimate';
import { shardOutDir } from '../book/merge';

const USAGE = `usage: npm run book -- --data PATH.h5 [--id NAME] [--title TEXT] [--signal KEY --background KEY] [--features a,b,c]
                    [--profile quick|full] [--backend ${BACKEND_CHOICES.join('|')}] [--jobs N] [--template FILE]
                    [--dry-run] [--shard i/n] [--no-build]`;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = join(repo, 'node_modules', '.bin', 'tsx');
const int = (n: number) => n.toLocaleString('en-US');

function step(title: string, cmd: string, args: string[]): void {
  console.log(`\n▶ ${title}\n  $ ${[cmd === tsx ? 'tsx' : cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    throw new PrecomputeError('npm run book', `${title} failed (see the message above).`, 'fix what it names and run the same command again: finished runs are cached.');
  }
}

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      options: {
        data: { type: 'string' }, id: { type: 'string' }, title: { type: 'string' }, signal: { type: 'string' }, background: { type: 'string' },
        features: { type: 'string' }, profile: { type: 'string', default: 'quick' }, backend: { type: 'string', default: 'auto' },
        jobs: { type: 'string' }, template: { type: 'string' }, 'dry-run': { type: 'boolean', default: false },
        shard: { type: 'string' }, 'no-build': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    throw new PrecomputeError('npm run book', (e as Error).message, USAGE);
  }
  if (values.help) { console.log(USAGE); return; }
  if (!values.data) throw new PrecomputeError('npm run book', 'the HDF5 file is missing.', `pass it with --data PATH.h5.\n${USAGE}`);
  if (values.profile !== 'quick' && values.profile !== 'full') {
    throw new PrecomputeError('--profile', `"${values.profile}" is not a profile.`, 'use --profile quick (10% of the events, at least 2,000, and at most 5 epochs per run) or --profile full.');
  }
  if (!BACKEND_CHOICES.includes(values.backend as BackendChoice)) {
    throw new PrecomputeError('--backend', `"${values.backend}" is not a backend.`, `use one of ${BACKEND_CHOICES.join(', ')}.`);
  }
  if (Boolean(values.signal) !== Boolean(values.background)) {
    throw new PrecomputeError(values.signal ? '--signal' : '--background', 'the class keys come in pairs.', 'pass both --signal KEY and --background KEY (or neither, for "Signal" and "Background").');
  }
  const jobs = values.jobs !== undefined ? checkJobs(values.jobs) : undefined;
  const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
  const profile = values.profile as 'quick' | 'full';
  const root = process.cwd();
  const dataPath = resolve(values.data);
  const shown = relative(root, dataPath).startsWith('..') ? dataPath : relative(root, dataPath);
  const id = values.id ?? idFromFileName(dataPath);
  checkId(id);
  const configPath = join('content', 'datasets', `${id}.json`);
  if (existsSync(join(root, configPath))) {
    const old = JSON.parse(readFileSync(join(root, configPath), 'utf8')) as { generator?: unknown; source?: string };
    if (old.generator) {
      throw new PrecomputeError('--id', `"${id}" is the book's simulated dataset (${configPath} has a "generator" block).`, 'choose another id for your file, e.g. --id my-ww-vs-tt.');
    }
  }
  const template = loadTemplate(root, values.template ?? TEMPLATE_PATH);
  const classes = { signal: values.signal ?? template.classes.signal, background: values.background ?? template.classes.background };
  const requested = values.features?.split(',').map((s) => s.trim()).filter(Boolean);

  // 1. The file: HDF5, both class tables, the columns (the reader's checks and messages).
  console.log(`Checking ${shown} …`);
  const opened = await openEventFile(shown, { ...classes, features: requested });
  const columns = requested ? (await (async () => {
    const all = await openEventFile(shown, classes);
    all.h5.close();
    return all.features;
  })()) : opened.features;
  opened.h5.close();
  for (const w of opened.warnings) console.log(`note: ${w}`);

  const source = isAbsolute(relative(root, dataPath)) || relative(root, dataPath).startsWith('..') ? dataPath : relative(root, dataPath);
  const { config, notes } = deriveConfig({
    template, id, title: values.title ?? `${classes.signal} vs ${classes.background} from ${basename(dataPath)}`,
    source, fileLabel: shown, classes, columns, features: requested,
  });
  for (const n of notes) console.log(`note: ${n}`);

  // 2. Read every column the runs use: values, NaN/±Inf, event counts.
  const t0 = performance.now();
  const read = await readEventFile(shown, { ...classes, features: neededFeatures(config), nonFinite: 'drop' });
  for (const w of read.warnings) console.log(`note: ${w}`);
  const nSig = read.table.signal.count, nBkg = read.table.background.count;
  console.log(`${shown}: ${int(nSig)} signal ("${classes.signal}") + ${int(nBkg)} background ("${classes.background}") events, `
    + `${read.table.features.length} columns used (read in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  if (values['dry-run']) {
    await dryRun(config, nSig, nBkg, profile, values.backend as BackendChoice, jobs, shard);
    return;
  }

  // 3. The configuration, then the runs, then the book's default, then the site.
  writeFileAtomic(join(root, configPath), `${JSON.stringify(config, null, 2)}\n`);
  console.log(`wrote ${configPath}`);
  const pre = ['--dataset', id, '--profile', profile, '--backend', values.backend!, ...(jobs ? ['--jobs', String(jobs)] : [])];
  if (shard) {
    step(`Training shard ${shard.index}/${shard.count} of "${id}" (${shardRuns(config, shard).join(', ')})`, tsx,
      [join(repo, 'precompute/cli/precompute.ts'), ...pre, '--shard', `${shard.index}/${shard.count}`]);
    console.log(`\nShard ${shard.index}/${shard.count} is in ${join(shardOutDir(shard.index, shard.count), id)}. When every shard has finished:\n`
      + `  npm run precompute -- merge --dataset ${id}\n  npm run book -- --data ${values.data} --id ${id}${values.profile === 'full' ? ' --profile full' : ''}   (uses the merged runs, then builds)`);
    return;
  }
  step(`Training the runs of "${id}" (${profile} profile)`, tsx, [join(repo, 'precompute/cli/precompute.ts'), ...pre]);
  const bookJson = join(root, 'content', 'book.json');
  const book = existsSync(bookJson) ? JSON.parse(readFileSync(bookJson, 'utf8')) as Record<string, unknown> : {};
  book.defaultDataset = id;
  writeFileAtomic(bookJson, `${JSON.stringify(book, null, 2)}\n`);
  console.log(`content/book.json: the book's dataset is now "${id}"`);
  if (values['no-build']) {
    console.log('\n--no-build: build the site with `npm run build` (or `npm start` to build and serve it).');
    return;
  }
  step('Building the site', 'npm', ['run', 'build']);
  const out = process.env.NN4HEP_OUT_DIR || 'dist';
  console.log(`\nThe book is in ${out}/ with "${id}" as its dataset${process.env.NN4HEP_BASE ? `, for serving under ${process.env.NN4HEP_BASE}` : ''}. `
    + 'Serve it with `npm start`, or copy the folder to any web server.');
}

async function dryRun(config: ReturnType<typeof deriveConfig>['config'], nSig: number, nBkg: number, profile: 'quick' | 'full',
  backendChoice: BackendChoice, jobs: number | undefined, shard: { index: number; count: number } | undefined): Promise<void> {
  const sizes = splitSizes(nSig, nBkg, config, profile);
  const selected = shard ? new Set(shardRuns(config, shard)) : null;
  const runs = selected ? { ...config, runs: config.runs.filter((r) => selected.has(r.id)) } : config;
  console.log(`\nDry run: nothing is written. content/datasets/${config.id}.json would hold ${config.runs.length} runs, feature sets `
    + `${Object.entries(config.featureSets).map(([k, v]) => `${k} (${v.length}: ${v.join(', ')})`).join('; ')}.`);
  console.log(`Events per split (${profile} profile${profile === 'quick' ? `, ${int(sizes.used)} of ${int(nSig + nBkg)} events` : ''}, seed ${config.split.seed}, stratified): `
    + `train ${int(sizes.train)}, validation ${int(sizes.val)}, test ${int(sizes.test)}`);
  const backend = await selectBackend(backendChoice);
  console.log(`Backend: ${backend.name} (${backend.device})${backend.skipped.length ? `; not available: ${backend.skipped.join('; ')}` : ''}`);
  const workers = jobs ?? availableParallelism();
  console.log(`Timing a short training burst of each network on ${backend.name} …`);
  const est = await estimateRuns(runs, sizes.train, profile, workers);
  console.log(`\nRuns that would train${shard ? ` in shard ${shard.index}/${shard.count}` : ''}:`);
  const w = Math.max(...est.runs.map((r) => r.id.length));
  for (const r of est.runs) {
    console.log(`  ${r.id.padEnd(w)}  ${r.featureSet} (${r.nFeatures} inputs), ${r.epochs} epochs, batch ${int(r.batchSize)}: `
      + `~${int(Math.round(r.eventsPerSecond))} events/s → ${r.seconds < 1 ? '<1s' : `~${formatDuration(r.seconds)}`}`);
  }
  console.log(`\nEstimated training time: ~${formatDuration(est.wallSeconds)} on ${est.jobs} worker thread(s) `
    + `(sum over runs ${formatDuration(est.runs.reduce((a, r) => a + r.seconds, 0))}; measured in ${est.burstSeconds.toFixed(1)} s; `
    + 'evaluation, permutation importances and the site build come on top).');
  console.log(`Without --dry-run this writes content/datasets/${config.id}.json, trains into public/precomputed/${config.id}/, `
    + `makes "${config.id}" the book's dataset and builds the site.`);
}

runTrainingCli('npm run book', main);
