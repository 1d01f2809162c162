import cliProgress from 'cli-progress';
import path from 'node:path';
import type { TrainingEvent } from '../train/training-job.js';
import type { EpochRecord } from '../contract/shapes.js';
import { bitsPerDim } from '../contract/figures.js';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

export function epochLine(r: EpochRecord, lastEpoch: number, dims: number): string {
  const f = (x: number) => x.toFixed(2);
  return (
    `epoch ${r.epoch}/${lastEpoch}  train −ELBO ${f(r.train.total)} (rec ${f(r.train.recon)}, KL ${f(r.train.kl)})  ` +
    `test −ELBO ${f(r.test.total)} (rec ${f(r.test.recon)}, KL ${f(r.test.kl)}) nats = ${bitsPerDim(r.test.total, dims).toFixed(3)} bits/dim  ` +
    `${r.seconds.toFixed(1)} s  ${Math.round(r.samplesPerSecond)} img/s  [${r.backend}]`
  );
}

/**
 * Terminal output of a training run: a progress bar on stderr (only when it is
 * a terminal) and a line per epoch on stdout; or, in JSON mode, one JSON object
 * per epoch on stdout and nothing else there.
 */
export class TrainReporter {
  private readonly bar: cliProgress.SingleBar;
  private lastEpoch = 0;
  private dims = 1;
  private active = false;

  constructor(private readonly json: boolean) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'epoch {epoch}/{last} |{bar}| {value}/{total} batches | loss {loss} | {speed} img/s | ETA {eta}',
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  handle(e: TrainingEvent): void {
    switch (e.type) {
      case 'started':
        this.lastEpoch = e.lastEpoch;
        this.dims = e.dims;
        if (!this.json) process.stderr.write(`Training on ${e.dataset} (${e.trainCount} images, ${e.testCount} test) with the ${e.backend} backend.\n`);
        break;
      case 'batch': {
        const p = e.progress;
        const payload = { epoch: p.epoch, last: p.lastEpoch, loss: p.loss.total.toFixed(1), speed: Math.round(p.samplesPerSecond), eta: clock(p.etaSeconds) };
        if (!this.active) {
          this.bar.start(p.batches, p.batch, payload);
          this.active = true;
        } else {
          this.bar.update(p.batch, payload);
        }
        break;
      }
      case 'epoch':
        this.stopBar();
        process.stdout.write(this.json ? `${JSON.stringify(e.record)}\n` : `${epochLine(e.record, this.lastEpoch, this.dims)}\n`);
        break;
      case 'checkpoint':
        if (!this.json) process.stderr.write(`saved ${e.dir}\n`);
        break;
      default:
        break;
    }
  }

  stopBar(): void {
    if (this.active) {
      this.bar.stop();
      this.active = false;
    }
  }
}

/**
 * A bar on stderr while an image folder is decoded, drawn only when stderr is
 * a terminal: in a pipe or a log it would be a stream of carriage returns.
 */
export class LoadBar {
  private readonly bar: cliProgress.SingleBar | null;
  private active = false;

  constructor(stream: NodeJS.WriteStream = process.stderr, what = 'decoding images') {
    this.bar = stream.isTTY
      ? new cliProgress.SingleBar(
          { stream, format: `${what} |{bar}| {value}/{total} | ETA {eta_formatted}`, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
  }

  readonly onProgress = (done: number, total: number): void => {
    if (!this.bar) return;
    if (!this.active) {
      this.bar.start(total, done);
      this.active = true;
    } else {
      this.bar.update(done);
    }
  };

  stop(): void {
    if (this.active) {
      this.bar!.stop();
      this.active = false;
    }
  }
}

/** The line that says what an image folder load gave: `Loaded N images (M classes) from FOLDER; skipped K files (first: …).` */
export function loadedLine(o: {
  count: number;
  classes: number | null;
  folder: string;
  fromCache: boolean;
  skipped: { file: string; reason: string }[];
}): string {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const classes = o.classes === null ? 'unlabelled' : plural(o.classes, 'class', 'classes');
  let line = `Loaded ${plural(o.count, 'image')} (${classes}) from ${o.folder}${o.fromCache ? ' from the cache' : ''}`;
  const first = o.skipped[0];
  if (first) line += `; skipped ${plural(o.skipped.length, 'file')} (first: ${path.basename(first.file)}: ${first.reason})`;
  return `${line}.`;
}
