/**
 * The demo dataset's public API: generate the synthetic dataset in a worker and turn it
 * into an ImportPlan (layout 'demo'), or make sure it is stored. See docs/demo-dataset.md.
 */
import { commitPlan } from '../importer';
import type { CanonicalClass } from '../labels';
import type { ImportPlan, PlannedItem } from '../types';
import { getDb } from '../../storage/db';
import { listDatasets } from '../../storage/datasets';
import { DEMO_CLASSES } from './classes';
import {
  DEFAULT_DEMO_OPTIONS,
  DEMO_DATASET_NAME,
  validateDemoOptions,
  type DemoFace,
  type DemoOptions,
  type DemoOptionsInput,
} from './options';
import type {
  DemoFaceInfo,
  DemoProgress,
  DemoTimings,
  DemoWorkerRequest,
  DemoWorkerResponse,
} from './protocol';
import { mergeSurvival, type PhotoSurvival } from './survival';

export { DEFAULT_DEMO_OPTIONS, DEMO_DATASET_NAME, validateDemoOptions };
export type { DemoFace, DemoOptions, DemoOptionsInput, DemoProgress };

/** The base photos shipped in public/demo/faces/ (see its README for their licences). */
export const DEFAULT_FACE_FILES = ['astronaut.png', 'grace_hopper.jpg', 'ousterhout.png'] as const;

/** Fetches the shipped base photos from this build. */
export async function defaultFaces(): Promise<DemoFace[]> {
  return Promise.all(
    DEFAULT_FACE_FILES.map(async (name) => {
      const url = new URL(`demo/faces/${name}`, self.location.origin + import.meta.env.BASE_URL);
      const response = await fetch(url);
      if (!response.ok)
        throw new Error(`Could not load the demo face ${name}: HTTP ${response.status}`);
      return { name, blob: await response.blob() };
    }),
  );
}

export interface DemoGeneration {
  plan: ImportPlan;
  faces: DemoFaceInfo[];
  /** Per base photo: how many clips the face check passed, re-rendered or failed (survival.ts). */
  survival: PhotoSurvival[];
  timings: DemoTimings & { totalMs: number };
}

function startWorker(): Worker {
  return new Worker(new URL('../../../workers/demo.worker.ts', import.meta.url), {
    type: 'module',
    name: 'demo',
  });
}

/** Starts `request` in a fresh worker; `done` settles when `onMessage` resolves it. */
function startRequest<T>(
  request: DemoWorkerRequest,
  onMessage: (msg: DemoWorkerResponse, resolve: (value: T) => void) => void,
): { worker: Worker; done: Promise<T> } {
  const worker = startWorker();
  const done = new Promise<T>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<DemoWorkerResponse>) => {
      const msg = event.data;
      if (msg.type === 'error') reject(new Error(msg.message));
      else onMessage(msg, resolve);
    };
    worker.onerror = (e) => {
      reject(new Error(e.message || 'the demo worker failed to start'));
    };
    worker.postMessage(request);
  });
  return { worker, done };
}

/** Runs one request in a fresh worker, calling `onMessage` until it resolves. */
export function runDemoWorker<T>(
  request: DemoWorkerRequest,
  onMessage: (msg: DemoWorkerResponse, resolve: (value: T) => void) => void,
): Promise<T> {
  const { worker, done } = startRequest(request, onMessage);
  return done.finally(() => {
    worker.terminate();
  });
}

/**
 * Workers one generation is split over: one per core, at most 4 (each loads its own face
 * models, ~2 s and some 50 MB). The clips do not depend on it (protocol.ts, DemoShard).
 */
export function demoWorkerCount(): number {
  const cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(4, cores));
}

interface ShardDone {
  faces: DemoFaceInfo[];
  survival: PhotoSurvival[];
  timings: DemoTimings;
}

/**
 * Generates the dataset (in `workers` workers, each rendering every workers-th clip) and
 * returns it as a plan in planClips order, with what the workers measured (render and encode
 * times summed over the workers, model load and landmark times their longest).
 */
export async function generateDemo(
  input: DemoOptionsInput = {},
  onProgress?: (p: DemoProgress) => void,
  workers: number = demoWorkerCount(),
): Promise<DemoGeneration> {
  const t0 = performance.now();
  const options = validateDemoOptions(input);
  const faces = options.faces ?? (await defaultFaces());
  const slots: (PlannedItem | undefined)[] = [];
  const { size } = options.counts;
  const count = Math.max(1, Math.floor(workers));
  const rendered = new Array<number>(count).fill(0);
  const runs = Array.from({ length: count }, (_, index) =>
    startRequest<ShardDone>(
      { type: 'generate', options: { ...options, faces }, shard: { index, count } },
      (msg, resolve) => {
        switch (msg.type) {
          case 'progress':
            if (msg.progress.phase === 'rendering') {
              rendered[index] = msg.progress.done;
              const done = rendered.reduce((a, b) => a + b, 0);
              onProgress?.({ ...msg.progress, done });
            } else if (index === 0) onProgress?.(msg.progress);
            break;
          case 'clip': {
            const labelled = msg.split !== 'unlabelled';
            const item: PlannedItem = {
              key: msg.key,
              kind: 'image-sequence',
              sources: msg.frames.map((f) => ({ path: f.path, file: f.blob })),
              rawLabel: labelled ? msg.cls : null,
              subject: `demo-${msg.identity}`,
              width: size,
              height: size,
              mime: 'image/jpeg',
            };
            if (msg.split === 'unlabelled') item.hiddenLabel = msg.cls;
            else item.split = msg.split;
            slots[msg.index] = item;
            break;
          }
          case 'done':
            resolve({ faces: msg.faces, survival: msg.survival, timings: msg.timings });
            break;
          case 'probe':
            break;
        }
      },
    ),
  );
  let shards: ShardDone[];
  try {
    shards = await Promise.all(runs.map((r) => r.done));
  } finally {
    for (const r of runs) r.worker.terminate();
  }
  const first = shards[0];
  if (!first) throw new Error('no demo worker ran');
  const items = slots.filter((i): i is PlannedItem => i !== undefined);
  const longest = (k: keyof DemoTimings) => Math.max(...shards.map((d) => d.timings[k]));
  const total = (k: keyof DemoTimings) => shards.reduce((n, d) => n + d.timings[k], 0);
  const done = {
    faces: first.faces,
    survival: mergeSurvival(shards.map((d) => d.survival)),
    timings: {
      loadMs: longest('loadMs'),
      landmarksMs: longest('landmarksMs'),
      renderMs: total('renderMs'),
      encodeMs: total('encodeMs'),
    },
  };
  const classMap = Object.fromEntries(DEMO_CLASSES.map((c) => [c, c])) as Record<
    string,
    CanonicalClass | null
  >;
  const plan: ImportPlan = {
    name: options.name ?? DEMO_DATASET_NAME,
    layout: 'demo',
    labelled: true,
    items,
    classMap,
    problems: [],
    layoutReason:
      `Generated by the built-in demo generator (seed ${options.seed}): synthetic, ` +
      `for trying the workbench, no substitute for real data.`,
  };
  return {
    plan,
    faces: done.faces,
    survival: done.survival,
    timings: { ...done.timings, totalMs: performance.now() - t0 },
  };
}

/** The demo dataset as an ImportPlan (see generateDemo for the details). */
export async function generateDemoPlan(
  opts: DemoOptionsInput = DEFAULT_DEMO_OPTIONS,
  onProgress?: (p: DemoProgress) => void,
): Promise<ImportPlan> {
  return (await generateDemo(opts, onProgress)).plan;
}

/**
 * Stores the demo dataset unless a dataset with its name already exists (any status but a
 * half-stored one, which is deleted by the user, not here). Returns its id.
 */
export async function ensureDemoDataset(
  opts: DemoOptionsInput & { onProgress?: (p: DemoProgress) => void } = {},
): Promise<{ datasetId: string; created: boolean }> {
  const db = await getDb();
  const name = opts.name ?? DEMO_DATASET_NAME;
  const existing = (await listDatasets(db)).find((d) => d.name === name);
  if (existing) return { datasetId: existing.id, created: false };
  const { onProgress, ...input } = opts;
  const plan = await generateDemoPlan({ ...input, name }, onProgress);
  const result = await commitPlan(db, plan);
  if (result.status !== 'ready')
    throw new Error(result.stopReason ?? 'The demo dataset could not be stored completely.');
  return { datasetId: result.datasetId, created: true };
}
