/**
 * Speed of the per-frame steps in Node: `npx tsx src/automation/preprocess/stepsBench.ts`.
 * Wall-clock median and minimum and mean CPU time over 50 runs after 5 warm-up runs; astronaut.png with the landmarks the
 * face models measured on it (docs/face-models.md). Numbers are in docs/preprocessing.md.
 */
import { faceCropAffine } from '../../preprocess/steps/alignment';
import { scaling } from '../../preprocess/steps/affine';
import { clahe } from '../../preprocess/steps/clahe';
import { autoGamma } from '../../preprocess/steps/gamma';
import { meanLightness } from '../../preprocess/steps/lab';
import {
  DEFAULT_CROP_CONFIG,
  eyesCropAffine,
  mouthCropAffine,
} from '../../preprocess/steps/regionCrops';
import { warpAffine } from '../../preprocess/steps/warp';
import { loadAstronaut } from './png';

const img = await loadAstronaut();
const eyes = { right: { x: 203.6, y: 101.2 }, left: { x: 246.5, y: 103.5 } };
const mouth = { right: { x: 202, y: 139 }, left: { x: 245, y: 141 } };
const box = { x: 173, y: 67, width: 103, height: 103 };
const cfg = DEFAULT_CROP_CONFIG;
const S = { width: 224, height: 224 };

interface CpuUsage {
  user: number;
  system: number;
}
// Node's process.cpuUsage (microseconds of CPU this process used), without Node typings.
const proc = (globalThis as { process?: { cpuUsage(): CpuUsage } }).process;

/**
 * Wall-clock median and minimum, and mean CPU time per call (the better number on a loaded
 * machine: it does not count time spent waiting for a core).
 */
function bench(name: string, fn: () => unknown, runs = 50): void {
  for (let i = 0; i < 5; i++) fn();
  const t: number[] = [];
  const cpu0 = proc?.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  const cpu1 = proc?.cpuUsage();
  const cpuMs =
    cpu0 && cpu1 ? (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / 1000 / runs : NaN;
  t.sort((a, b) => a - b);
  const median = t[Math.floor(runs / 2)] ?? NaN;
  const min = t[0] ?? NaN;
  const f = (v: number): string => v.toFixed(2).padStart(7);
  console.log(`${name.padEnd(44)} median ${f(median)} ms   min ${f(min)} ms   cpu ${f(cpuMs)} ms`);
}

const face = warpAffine(img, faceCropAffine(box, eyes, cfg), S);
bench('warp face crop 224 (scale 1.45)', () => warpAffine(img, faceCropAffine(box, eyes, cfg), S));
bench('warp eyes crop 224 (scale 3.1)', () => warpAffine(img, eyesCropAffine(eyes, cfg), S));
bench('warp mouth crop 224 (scale 2.6)', () => warpAffine(img, mouthCropAffine(mouth, cfg), S));
bench('warp 896 -> 224 (scale 0.25, prefilter 4)', () => warpAffine(img, scaling(0.25), S));
bench('warp 896 -> 224, antialias off', () =>
  warpAffine(img, scaling(0.25), S, { antialias: false }),
);
bench('clahe 224x224 (clip 2.5, 8x8)', () => clahe(face, { clipLimit: 2.5, tiles: 8 }));
bench('autoGamma 224x224', () => autoGamma(face, 0.5));
bench('meanLightness 224x224', () => meanLightness(face));
