/**
 * Preprocessing throughput: `npm run bench:preprocess`. Makes a 640x360, 4 s, 25 fps video
 * with a real face (astronaut.png panned and zoomed over a grey canvas) with Debian's ffmpeg,
 * imports copies of it through the app's own code in headless Chromium (the headless
 * runner's browser and server), and prints, for 1..N workers (N = the page's
 * hardwareConcurrency, at least 2):
 *
 * - frames/s of the FULL pipeline (decode: WebCodecs for this H.264 MP4, as for any MP4 the
 *   browser's VideoDecoder takes, else ffmpeg.wasm; detect + landmarks, align, crop, CLAHE,
 *   encode, store), with the workers warmed up first;
 * - frames/s of the face models alone (FaceDetector + FaceLandmarker, window.__ferFace) on
 *   the same sampled frames (extracted at the same fps by Debian's ffmpeg, as PNGs), with as
 *   many model workers as pipeline workers: the ceiling the pipeline could reach;
 * - their ratio, and bytes per stored frame (three crops) at the default quality.
 *
 * Also the CPU time all the browser's processes spent per frame in each run (read from
 * /proc, so it counts the page, the workers, ffmpeg.wasm's and the encoder's threads and the
 * browser's own): unlike frames/s it does not depend on how much of the cores other jobs
 * took, so its ratio (models-only CPU / full CPU) is the load-independent measure of how
 * close the pipeline gets to the models-only rate once the cores are saturated.
 *
 * Numbers go to docs/benchmarks.md ("Preprocessing") by hand, with the machine and load;
 * `npm run bench` runs the same code (scripts/bench/preprocess.ts) and writes its report.
 * FER_BENCH_DIST=DIR reuses a build there instead of building into a temporary folder.
 * `--format jpeg` (or webp, the default) sets the crops' encoding for the full runs.
 */
import { printPreprocessReport, runPreprocessBench } from './bench/preprocess';

const FORMAT_ARG = process.argv.indexOf('--format');
const FORMAT_VALUE = FORMAT_ARG >= 0 ? process.argv[FORMAT_ARG + 1] : 'webp';
if (FORMAT_VALUE !== 'webp' && FORMAT_VALUE !== 'jpeg') {
  throw new Error(`--format webp|jpeg, got ${String(FORMAT_VALUE)}`);
}

runPreprocessBench({ format: FORMAT_VALUE, distDir: process.env.FER_BENCH_DIST })
  .then(printPreprocessReport)
  .catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  });
