/**
 * Progress display: a live block of bars on a terminal, plain lines when the
 * output is a file or a CI log (CI=true), so logs stay readable.
 */
import type { EpochLog, BatchProgress } from '../../core/train';

export interface Progress {
  info(line: string): void;
  runStart(id: string, epochs: number, note: string): void;
  epoch(id: string, log: EpochLog, epochs: number): void;
  batch(id: string, p: BatchProgress): void;
  runDone(id: string, line: string): void;
  close(): void;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

const rate = (r: number) => (r >= 1000 ? `${(r / 1000).toFixed(r >= 1e5 ? 0 : 1)}k` : `${Math.round(r)}`);

interface Live {
  epochs: number;
  epoch: number;
  frac: number;
  trainLoss?: number;
  valLoss?: number;
  sps: number;
  epochSeconds: number[];
  started: number;
  lastPlain: number;
}

function eta(l: Live): number {
  const per = l.epochSeconds.length ? l.epochSeconds.reduce((a, b) => a + b, 0) / l.epochSeconds.length : NaN;
  return per * (l.epochs - l.epoch - l.frac);
}

export function createProgress(stream: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean }, total: number): Progress {
  const live = Boolean((stream as NodeJS.WriteStream).isTTY) && !process.env.CI;
  const runs = new Map<string, Live>();
  let done = 0;
  let drawn = 0;
  let lastDraw = 0;

  const line = (id: string, l: Live) => {
    const width = 20;
    const f = Math.min(1, (l.epoch + l.frac) / l.epochs);
    const bar = '█'.repeat(Math.round(f * width)).padEnd(width, '·');
    const loss = l.trainLoss === undefined ? '' : ` loss ${l.trainLoss.toFixed(4)}/${l.valLoss!.toFixed(4)}`;
    return `${id.padEnd(28)} ${bar} ep ${Math.min(l.epochs, l.epoch + 1)}/${l.epochs}${loss} ${rate(l.sps)} ev/s ETA ${formatDuration(eta(l))}`;
  };
  const draw = (force = false) => {
    if (!live || (!force && Date.now() - lastDraw < 200)) return;
    lastDraw = Date.now();
    let out = drawn ? `\x1b[${drawn}A` : '';
    const lines = [`runs done ${done}/${total}`, ...[...runs].map(([id, l]) => line(id, l))];
    for (const l of lines) out += `\x1b[2K${l.slice(0, (stream as NodeJS.WriteStream).columns || 200)}\n`;
    // Clear lines left over from runs that finished.
    for (let i = lines.length; i < drawn; i++) out += '\x1b[2K\n';
    if (drawn > lines.length) out += `\x1b[${drawn - lines.length}A`;
    drawn = lines.length;
    stream.write(out);
  };
  const above = (text: string) => {
    if (live && drawn) { stream.write(`\x1b[${drawn}A\x1b[0J`); drawn = 0; }
    stream.write(text + '\n');
    draw(true);
  };

  return {
    info: (text) => above(text),
    runStart(id, epochs, note) {
      runs.set(id, { epochs, epoch: 0, frac: 0, sps: 0, epochSeconds: [], started: Date.now(), lastPlain: Date.now() });
      above(`[${id}] training: ${note}`);
    },
    epoch(id, log, epochs) {
      const l = runs.get(id);
      if (!l) return;
      Object.assign(l, { epoch: log.epoch, frac: 0, trainLoss: log.trainLoss, valLoss: log.valLoss, sps: log.samplesPerSecond });
      l.epochSeconds.push(log.seconds);
      if (live) draw();
      else stream.write(`[${id}] epoch ${log.epoch}/${epochs} train loss ${log.trainLoss.toFixed(4)} val loss ${log.valLoss.toFixed(4)} ${rate(log.samplesPerSecond)} events/s ${log.seconds.toFixed(1)} s/epoch ETA ${formatDuration(eta(l))}\n`);
    },
    batch(id, p) {
      const l = runs.get(id);
      if (!l) return;
      l.frac = p.batch / p.batches;
      l.sps = p.samplesPerSecond;
      // Before the first epoch ends, estimate the epoch time from the batch rate.
      if (!l.epochSeconds.length) {
        const el = (Date.now() - l.started) / 1000;
        const etaS = (el / Math.max(l.frac, 1e-6)) * l.epochs - el;
        if (live) { draw(); return; }
        // Plain logs: a line every 30 s during a long first epoch, not every update.
        if (Date.now() - l.lastPlain < 30_000) return;
        l.lastPlain = Date.now();
        stream.write(`[${id}] epoch ${p.epoch}/${p.epochs} ${Math.round(l.frac * 100)}% ${rate(p.samplesPerSecond)} events/s ETA ${formatDuration(etaS)}\n`);
        return;
      }
      if (live) draw();
    },
    runDone(id, text) {
      runs.delete(id);
      done++;
      above(`[${id}] ${text}`);
    },
    close() { if (live) draw(true); },
  };
}
