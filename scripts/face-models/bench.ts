/**
 * Times FaceDetector and FaceLandmarker in our worker (CPU delegate) in Chromium, on a built
 * app (`window.__ferFace`), and counts the faces found. Prints a Markdown table.
 *
 *   npx vite build --mode automation --outDir /tmp/bench-dist
 *   npx tsx scripts/face-models/bench.ts --dist /tmp/bench-dist [--port 4199] [--repeat 25] \
 *     [--width 640] [image.jpg ...]
 *
 * Without images it uses tests/fixtures/faces/astronaut.png. Images are served from disk on
 * the app's origin. Timings: median and minimum over the runs after the first three
 * (warm-up); on a shared machine the minimum is the better estimate of the cost.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { openBenchApp } from '../bench/browser';

interface Timings {
  detectorMs: number;
  landmarkerMs: number;
}
interface BenchApi {
  load(config: Record<string, unknown>): Promise<{ loadMs: number }>;
  detect(
    url: string,
    options: { width?: number; repeat?: number },
  ): Promise<{
    width: number;
    height: number;
    faces: { landmarks: unknown[] | null }[];
    runs: Timings[];
  }>;
}
type BenchWindow = Window & { __ferFace?: BenchApi };

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** "median (min)" of a list of milliseconds; the minimum shows the cost without contention. */
const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `${(s[Math.floor(s.length / 2)] ?? NaN).toFixed(1)} (${(s[0] ?? NaN).toFixed(1)})`;
};

async function main(): Promise<void> {
  const dist = option('dist', 'dist');
  const port = Number(option('port', '4199'));
  const repeat = Number(option('repeat', '25'));
  const widthArg = option('width', '640');
  const width = widthArg === 'full' ? undefined : Number(widthArg);
  const flags = new Set(['--dist', '--port', '--repeat', '--width']);
  const images = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith('--') && !flags.has(all[i - 1] ?? ''));
  if (images.length === 0) images.push('tests/fixtures/faces/astronaut.png');

  const session = await openBenchApp(dist, port, {
    hook: '__ferFace',
    beforeGoto: async (page) => {
      for (const path of images) {
        await page.route(`**/__bench__/${basename(path)}`, (route) =>
          route.fulfill({
            body: readFileSync(path),
            headers: { 'Cross-Origin-Resource-Policy': 'same-origin' },
          }),
        );
      }
    },
  });
  const { page } = session;
  try {
    console.log(
      `| detector | mode | image | size | faces | with mesh (landmarker's) | detector ms, median (min) | landmarker ms, median (min) | load ms |`,
    );
    console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
    for (const detectorRange of ['full', 'short']) {
      for (const runningMode of ['IMAGE', 'VIDEO']) {
        const loaded = await page.evaluate(
          (config) => (window as BenchWindow).__ferFace?.load(config),
          { detectorRange, runningMode },
        );
        for (const path of images) {
          const r = await page.evaluate(
            ([url, opts]) => (window as BenchWindow).__ferFace?.detect(url, opts),
            [`/__bench__/${basename(path)}`, { width, repeat }] as const,
          );
          if (!r) throw new Error('no result');
          const runs = r.runs.slice(Math.min(3, r.runs.length - 1));
          const withMesh = `${r.faces.filter((f) => f.landmarks !== null).length} (${r.landmarkerFaces})`;
          console.log(
            `| ${detectorRange} | ${runningMode} | ${basename(path)} | ${r.width}x${r.height} | ${r.faces.length} | ${withMesh} | ` +
              `${stats(runs.map((t) => t.detectorMs))} | ${stats(runs.map((t) => t.landmarkerMs))} | ` +
              `${(loaded?.loadMs ?? NaN).toFixed(0)} |`,
          );
        }
      }
    }
  } finally {
    await session.close();
  }
}

await main();
