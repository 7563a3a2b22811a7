/**
 * npm run data:generate -- [--events N] [--seed S] [--signal-fraction F] [--min-jets K] [--out FILE]
 *                          [--ht-all jets+leptons|jets] [--angles opening|dphi] [--no-spin-correlation]
 *
 * Simulates the built-in H→WW* vs tt̄ sample and writes it in the course's layout.
 */
import { statSync } from 'node:fs';
import { tableSha256 } from '../data/hash';
import { checkOutputPath, writeEventFile } from '../data/write';
import {
  BUILTIN_DATA_PATH, DEFAULT_GENERATOR_OPTIONS, GENERATOR_VERSION, type GeneratorOptions, validateOptions,
} from '../generator/generate';
import { generateSampleParallel } from '../generator/parallel';
import { UsageError, numberOption, parseArgs, runCli, stringOption } from './args';

const d = DEFAULT_GENERATOR_OPTIONS;
const USAGE = `Usage: npm run data:generate -- [options]

  --events N              events after selection, both classes (default ${d.events})
  --seed S                random seed; the same seed gives the same file (default ${d.seed})
  --signal-fraction F     fraction of signal events (default ${d.signalFraction})
  --min-jets K            selection: at least K jets with pT > 20 GeV, |eta| < 2.5 (default ${d.minJets})
  --out FILE              output file (default ${BUILTIN_DATA_PATH})
  --ht-all MODE           HT_all sums jets+leptons (default) or jets
  --angles MODE           angle_between_*: opening (3-D, default) or dphi (azimuthal, in [0, pi])
  --no-spin-correlation   switch off the H->WW spin correlation (to see what it does)`;

await runCli(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2),
    ['events', 'seed', 'signal-fraction', 'min-jets', 'out', 'ht-all', 'angles'], ['no-spin-correlation', 'help']);
  if (args.options.has('help')) { console.log(USAGE); return 0; }
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const opts: GeneratorOptions = {
    events: numberOption(args, 'events', d.events),
    seed: numberOption(args, 'seed', d.seed),
    signalFraction: numberOption(args, 'signal-fraction', d.signalFraction),
    minJets: numberOption(args, 'min-jets', d.minJets),
    htAll: (stringOption(args, 'ht-all') ?? d.htAll) as GeneratorOptions['htAll'],
    angles: (stringOption(args, 'angles') ?? d.angles) as GeneratorOptions['angles'],
    spinCorrelation: !args.options.has('no-spin-correlation'),
  };
  const problem = validateOptions(opts);
  if (problem) throw new UsageError(problem);
  const out = stringOption(args, 'out') ?? BUILTIN_DATA_PATH;
  // Refuse a bad output path now, not after the simulation.
  checkOutputPath(out);

  const nSig = Math.round(opts.events * opts.signalFraction);
  console.log(`Simulating ${opts.events.toLocaleString('en-US')} events: ${nSig.toLocaleString('en-US')} H→WW* (signal), `
    + `${(opts.events - nSig).toLocaleString('en-US')} tt̄ (background); at least ${opts.minJets} jet${opts.minJets === 1 ? '' : 's'}; seed ${opts.seed}`
    + `${opts.spinCorrelation ? '' : '; spin correlation OFF'}.`);
  const sample = await generateSampleParallel(opts);
  const { signal, background, seconds } = sample.stats;
  const eff = (s: { simulated: number; selected: number }) => `${(100 * s.selected / s.simulated).toFixed(2)}% of ${s.simulated.toLocaleString('en-US')} simulated`;
  console.log(`  selected: signal ${eff(signal)}, background ${eff(background)} (${seconds.toFixed(1)} s)`);

  const t0 = performance.now();
  const table = { features: sample.features, signal: sample.signal, background: sample.background };
  await writeEventFile(out, sample.features, { Signal: sample.signal, Background: sample.background }, {
    attrs: {
      generator: 'NN4HEP built-in H->WW* vs ttbar dilepton generator (precompute/generator)',
      generator_version: GENERATOR_VERSION,
      options: JSON.stringify(opts),
    },
  });
  const size = statSync(out).size;
  console.log(`Wrote ${out} (${(size / 2 ** 20).toFixed(1)} MiB, ${((performance.now() - t0) / 1000).toFixed(1)} s): `
    + `datasets Signal and Background, ${sample.features.length} columns.`);
  console.log(`  SHA-256 of the decoded table: ${tableSha256(table)}`);
  return 0;
});
