/**
 * bench:preprocess's report: its types (one row per worker count) and the plain-text printout.
 * Measured by scripts/bench/preprocess.ts.
 */
import os from 'node:os';

/** The app's default sampling rate (DEFAULT_PREPROCESS_CONFIG.fps). */
export const SAMPLE_FPS = 10;

export type CropFormat = 'webp' | 'jpeg';

export interface PreprocessRow {
  workers: number;
  /** Full pipeline frames/s. */
  full: number;
  /** Models-only frames/s (null when not run). */
  models: number | null;
  modelMs: number | null;
  fullCpu: number;
  modelsCpu: number | null;
  /** 1-minute load average when the row was measured. */
  load: number;
  stages: { decodeMs: number; detectMs: number; cropMs: number; encodeMs: number };
  usageBytesPerFrame: number | null;
}

export interface PreprocessReport {
  format: CropFormat;
  cores: number;
  userAgent: string;
  backend: string;
  warpErrorPx: number;
  clips: number;
  sampled: number;
  kept: number;
  rows: PreprocessRow[];
  /** Bytes of the stored crops, summed over `frames` frames. */
  crops: { frames: number; face: number; eyes: number; mouth: number } | null;
}

/** The crops' bytes per frame: total, face, eyes, mouth. */
export function cropBytesPerFrame(crops: NonNullable<PreprocessReport['crops']>): {
  total: number;
  face: number;
  eyes: number;
  mouth: number;
} {
  const per = (b: number): number => b / crops.frames;
  return {
    total: per(crops.face + crops.eyes + crops.mouth),
    face: per(crops.face),
    eyes: per(crops.eyes),
    mouth: per(crops.mouth),
  };
}

export function formatLabel(format: CropFormat): string {
  return format === 'webp' ? 'WebP 0.8' : 'JPEG 0.8';
}

/** bench:preprocess's plain-text report, as it always printed it. */
export function printPreprocessReport(r: PreprocessReport): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `machine   ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  console.log(`browser   ${r.userAgent}`);
  console.log(`page      hardwareConcurrency ${r.cores}; backend ${r.backend}`);
  console.log(`crops     canvas warp landmark error at most ${r.warpErrorPx.toFixed(2)} px`);
  console.log(
    `input     ${r.clips} x 640x360 4 s clip, ${SAMPLE_FPS} fps sampled: ${r.sampled} frames, ${r.kept} kept`,
  );
  console.log('');
  console.log(
    'workers  full frames/s  models-only frames/s  model ms/frame  full/models  load avg (1 min)' +
      '  CPU ms/frame: full / models-only (ratio)  pipeline ms/frame: decode / detect / crop+CLAHE / encode',
  );
  const f = (v: number | null, d: number): string => (v === null ? '-' : v.toFixed(d));
  for (const row of r.rows) {
    const ratio = row.models === null ? null : row.full / row.models;
    const cpuRatio = row.modelsCpu === null ? null : row.modelsCpu / row.fullCpu;
    const s = row.stages;
    console.log(
      `${String(row.workers).padStart(7)}  ${row.full.toFixed(2).padStart(13)}  ${f(row.models, 2).padStart(20)}  ` +
        `${f(row.modelMs, 0).padStart(14)}  ${`${f(ratio === null ? null : 100 * ratio, 0)}%`.padStart(11)}  ${row.load.toFixed(2).padStart(16)}  ` +
        `${`${row.fullCpu.toFixed(0)} / ${f(row.modelsCpu, 0)} (${f(cpuRatio === null ? null : 100 * cpuRatio, 0)}%)`.padStart(40)}  ` +
        [s.decodeMs, s.detectMs, s.cropMs, s.encodeMs].map((ms) => ms.toFixed(0)).join(' / '),
    );
  }
  if (r.crops) {
    const b = cropBytesPerFrame(r.crops);
    console.log('');
    console.log(
      `bytes per stored frame (${formatLabel(r.format)}, 224 px): ${Math.round(b.total)} ` +
        `(face ${Math.round(b.face)}, eyes ${Math.round(b.eyes)}, mouth ${Math.round(b.mouth)}) over ${r.crops.frames} frames`,
    );
  }
  const last = r.rows[r.rows.length - 1];
  if (last?.models)
    console.log(
      `all cores: full pipeline at ${((100 * last.full) / last.models).toFixed(0)}% of the models-only rate (target >= 80%)`,
    );
}
