/**
 * Build-time numbers for chapters 5 and 6, read from the book dataset's precomputed assets
 * (manifest.json, features.json, sample.bin) and computed with the same core/ functions the
 * widgets run in the page. An instructor's rebuild with another dataset changes them all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assetLocation, datasetConfig, fmt, loadFeatures, loadManifest } from '../../assets/book-assets';
import { decodeSample } from '../../../core/schema';
import { rankFeatures, scalerLeak, shuffleDemo } from '../../../core/data-prep';

let cached: ReturnType<typeof compute> | null = null;

export function eventNumbers() {
  cached ??= compute();
  return cached;
}

function compute() {
  const manifest = loadManifest();
  const features = loadFeatures();
  const config = datasetConfig();
  const { dir, url } = assetLocation();
  const file = join(dir, manifest.sample.file);
  const buf = readFileSync(file);
  const columns = decodeSample(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), manifest.sample);
  const labels = columns.label;
  const sampleSignal = labels.reduce((a, b) => a + b, 0);

  const read = manifest.classCounts.signal + manifest.classCounts.background;
  const { sizes } = manifest.split;
  const used = sizes.train + sizes.val + sizes.test;
  const ranking = rankFeatures(columns, labels, manifest.features);
  const rankOf = (name: string) => ranking.findIndex((r) => r.name === name) + 1;
  const F5 = manifest.featureSets.F5 ?? ranking.slice(0, 5).map((r) => r.name);
  const demo = shuffleDemo(columns, labels, F5, manifest.split.seed, manifest.split.fractions);
  const leak = scalerLeak(columns, labels, F5, manifest.split.seed, manifest.split.fractions);
  const worstLeak = leak.meanShift.reduce((b, v, j) => (Math.abs(v) > Math.abs(leak.meanShift[b]) ? j : b), 0);

  const stat = (name: string) => features.features.find((f) => f.name === name);
  const mean = (name: string, cls: 'signal' | 'background', digits = 1) => {
    const s = stat(name);
    return s ? s[cls].mean.toFixed(digits) : 'n/a';
  };
  const njetsTwoShare = (cls: 'signal' | 'background') => {
    const s = stat('Njets');
    if (!s) return 'n/a';
    const h = s[cls].histogram;
    const total = h.counts.reduce((a, b) => a + b, 0) + h.underflow + h.overflow;
    let two = 0;
    h.counts.forEach((c, i) => { if (h.edges[i] <= 2 && 2 < h.edges[i + 1]) two += c; });
    return fmt.pct(two / total, 0);
  };
  const scaler = manifest.scalers.F26 ?? manifest.scalers[Object.keys(manifest.scalers)[0]];
  const scalerOf = (name: string) => {
    const j = scaler.features.indexOf(name);
    return j < 0 ? { mean: 'n/a', scale: 'n/a' } : { mean: scaler.mean[j].toFixed(1), scale: scaler.scale[j].toFixed(1) };
  };

  return {
    datasetId: manifest.datasetId,
    title: manifest.title,
    sourceFile: manifest.source.file,
    assetsUrl: url,
    profile: manifest.profile,
    quick: manifest.profile === 'quick',
    quickPct: fmt.pct(manifest.profileSettings.eventFraction, 0),
    signalKey: manifest.source.classes.signal,
    backgroundKey: manifest.source.classes.background,
    nFeatures: manifest.features.length,
    read: fmt.int(read),
    signal: fmt.int(manifest.classCounts.signal),
    background: fmt.int(manifest.classCounts.background),
    signalPct: fmt.pct(manifest.classCounts.signal / read, 1),
    backgroundPct: fmt.pct(manifest.classCounts.background / read, 1),
    used: fmt.int(used),
    train: fmt.int(sizes.train),
    val: fmt.int(sizes.val),
    test: fmt.int(sizes.test),
    trainPct: fmt.pct(manifest.split.fractions.train, 0),
    valPct: fmt.pct(manifest.split.fractions.val, 0),
    testPct: fmt.pct(manifest.split.fractions.test, 0),
    splitSeed: manifest.split.seed,
    sampleRows: fmt.int(manifest.sample.rows),
    sampleSignal: fmt.int(sampleSignal),
    sampleBackground: fmt.int(manifest.sample.rows - sampleSignal),
    sampleFrom: manifest.sample.from,
    means: {
      mll: { s: mean('combined_leptons_mass', 'signal'), b: mean('combined_leptons_mass', 'background') },
      angleLep: { s: mean('angle_between_leptons', 'signal', 2), b: mean('angle_between_leptons', 'background', 2) },
      ht: { s: mean('HT_all', 'signal', 0), b: mean('HT_all', 'background', 0) },
      met: { s: mean('MissingEnergy', 'signal', 0), b: mean('MissingEnergy', 'background', 0) },
      njets: { s: mean('Njets', 'signal', 2), b: mean('Njets', 'background', 2) },
      lep0mass: { s: mean('lepton0_mass', 'signal', 3), b: mean('lepton0_mass', 'background', 3) },
    },
    njetsTwo: { s: njetsTwoShare('signal'), b: njetsTwoShare('background') },
    best: { name: ranking[0].name, sep: ranking[0].separation.toFixed(3), auc: ranking[0].auc.toFixed(3), lower: !ranking[0].signalHigher },
    second: { name: ranking[1].name, sep: ranking[1].separation.toFixed(3) },
    third: { name: ranking[2].name, sep: ranking[2].separation.toFixed(3) },
    worst: { name: ranking[ranking.length - 1].name, sep: ranking[ranking.length - 1].separation.toFixed(3) },
    rankOf,
    F5,
    F5ranks: F5.map((f) => `${f} (${rankOf(f)})`).join(', '),
    demo: {
      together: fmt.pct(demo.together.accuracy, 1),
      separately: fmt.pct(demo.separately.accuracy, 1),
      majority: fmt.pct(demo.majority, 1),
      range: `${demo.separately.scoreRange[0].toFixed(2)} and ${demo.separately.scoreRange[1].toFixed(2)}`,
      train: fmt.int(demo.sizes.train),
      test: fmt.int(demo.sizes.test),
    },
    leak: {
      feature: leak.features[worstLeak],
      shift: Math.abs(leak.meanShift[worstLeak]).toFixed(3),
      others: fmt.int(leak.sizes.val + leak.sizes.test),
    },
    scaler: { ht: scalerOf('HT_all'), mll: scalerOf('combined_leptons_mass') },
    configSplit: config.split,
  };
}
