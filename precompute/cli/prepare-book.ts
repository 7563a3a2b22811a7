/**
 * Runs before every build (`npm run build`, `npm start`): makes sure each dataset in
 * content/datasets/ has its event file and up-to-date precomputed assets.
 *
 * - A dataset with a "generator" block (the built-in sample) is simulated when its file is
 *   missing or was written by other generator settings or another generator version.
 * - Then the precompute runs for each dataset. Its cache skips every run whose inputs are
 *   unchanged, so with committed assets that match the data this takes seconds; with no
 *   assets it trains the quick profile (a few minutes).
 *
 * First of all, the dataset the book shows ("defaultDataset" in content/book.json, or
 * NN4HEP_DATASET) must be one of them: otherwise astro build fails a minute later.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { listDatasetIds, loadDatasetConfig } from '../train/config';
import { DEFAULT_GENERATOR_OPTIONS, GENERATOR_VERSION, type GeneratorOptions } from '../generator/generate';
import { openHdf5, textAttr } from '../data/h5';

const root = process.cwd();
const tsx = 'node_modules/.bin/tsx';

function run(title: string, args: string[]): void {
  console.log(`\n▶ ${title}`);
  const r = spawnSync(tsx, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`\n✖ ${title} failed (see the message above); the book was not built.`);
    process.exit(r.status ?? 1);
  }
}

/** Why the generated file must be (re)written, or null when it is current. */
async function staleReason(path: string, wanted: GeneratorOptions): Promise<string | null> {
  if (!existsSync(path)) return `${path} does not exist yet`;
  try {
    const file = await openHdf5(path);
    try {
      const attrs = file.attrs;
      const version = 'generator_version' in attrs ? String(attrs.generator_version.value) : null;
      const options = textAttr(file, 'options');
      if (version !== String(GENERATOR_VERSION)) return `${path} was written by generator version ${version ?? 'unknown'}, the book's is ${GENERATOR_VERSION}`;
      if (options !== JSON.stringify(wanted)) return `${path} was generated with other settings than its dataset configuration asks for`;
      return null;
    } finally {
      file.close();
    }
  } catch (e) {
    return `${path} cannot be read (${(e as Error).message.split('\n')[0]})`;
  }
}

function stop(problem: string, todo: string): never {
  console.error(`\n✖ ${problem}\n  ${todo}`);
  process.exit(1);
}

/** The book's dataset must have a configuration in content/datasets/. */
function checkBookDataset(ids: string[]): void {
  const known = ids.map((i) => `"${i}"`).join(', ');
  const env = process.env.NN4HEP_DATASET;
  if (env) {
    if (!ids.includes(env)) {
      stop(`NN4HEP_DATASET is "${env}", but content/datasets/${env}.json does not exist; the book was not built.`,
        `Set NN4HEP_DATASET to one of the datasets there are (${known}), or unset it to use "defaultDataset" in content/book.json.`);
    }
    return;
  }
  const file = 'content/book.json';
  const example = `{"defaultDataset": "${ids[0]}"}`;
  if (!existsSync(file)) stop(`${file} is missing: it names the dataset the book shows; the book was not built.`, `Create it, e.g. ${example} (the datasets there are: ${known}).`);
  let book: { defaultDataset?: unknown };
  try {
    book = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    stop(`${file} is not valid JSON (${(e as Error).message}); the book was not built.`, `Fix the syntax; it should read e.g. ${example}.`);
  }
  const id = book?.defaultDataset;
  if (typeof id !== 'string' || !id) {
    stop(`${file} does not name the book's dataset ("defaultDataset"); the book was not built.`, `Set it to one of the datasets there are (${known}), e.g. ${example}.`);
  }
  if (!ids.includes(id)) {
    stop(`${file} makes "${id}" the book's dataset ("defaultDataset"), but content/datasets/${id}.json does not exist; the book was not built.`,
      `Set "defaultDataset" in ${file} to one of the datasets there are (${known}), or restore content/datasets/${id}.json.`);
  }
}

const ids = listDatasetIds(root);
if (ids.length === 0) {
  stop('content/datasets/ holds no dataset configuration; the book was not built.', 'Add one (see the chapter "For instructors").');
}
checkBookDataset(ids);
for (const id of ids) {
  const { config, path } = loadDatasetConfig(root, id);
  if (config.generator) {
    const wanted: GeneratorOptions = { ...DEFAULT_GENERATOR_OPTIONS, ...config.generator };
    const reason = await staleReason(config.source, wanted);
    if (reason) {
      run(`Simulating the events of "${id}" (${reason})`, [
        'precompute/cli/generate.ts', '--events', String(wanted.events), '--seed', String(wanted.seed),
        '--signal-fraction', String(wanted.signalFraction), '--min-jets', String(wanted.minJets),
        '--ht-all', wanted.htAll, '--angles', wanted.angles, ...(wanted.spinCorrelation ? [] : ['--no-spin-correlation']),
        '--out', config.source,
      ]);
    }
  } else if (!existsSync(config.source)) {
    console.error(`\n✖ ${path} reads its events from ${config.source}, which does not exist.\n`
      + `  Copy the HDF5 file there, fix "source" in ${path}, or remove ${path} to drop that dataset from the book`
      + ` (if it is the book's dataset, also set "defaultDataset" in content/book.json to another: ${ids.filter((i) => i !== id).map((i) => `"${i}"`).join(', ') || 'add one first'}).`);
    process.exit(1);
  }
  const extra = process.env.NN4HEP_PRECOMPUTE_ARGS ? process.env.NN4HEP_PRECOMPUTE_ARGS.split(/\s+/).filter(Boolean) : [];
  run(`Precomputing the classifier runs of "${id}" (runs whose inputs are unchanged are reused)`, [
    'precompute/cli/precompute.ts', '--dataset', id, ...extra,
  ]);
}
