/**
 * `window.__ferDemo`: drives the demo generator from e2e tests and the headless runner's
 * `generate-demo` command (page.evaluate). Test-only; keep it thin.
 */
import { commitPlan } from '../ingest/importer';
import { getDb } from '../storage/db';
import { ensureDemoDataset, generateDemo, runDemoWorker, defaultFaces } from '../ingest/demo/api';
import type { DemoClass } from '../ingest/demo/classes';
import {
  validateDemoOptions,
  type DemoCounts,
  type DemoFace,
  type DemoOptionsInput,
} from '../ingest/demo/options';
import type { DemoFaceInfo, DemoTimings } from '../ingest/demo/protocol';
import type { PhotoSurvival } from '../ingest/demo/survival';

export interface DemoItemSummary {
  key: string;
  split: string | null;
  rawLabel: string | null;
  hiddenLabel: string | null;
  subject: string | null;
  frames: number;
  bytes: number;
  /** SHA-256 (hex) of the clip's frames' bytes, in order. */
  sha256: string;
}

export interface DemoRunSummary {
  name: string;
  seed: number;
  counts: DemoCounts;
  seconds: number;
  timings: DemoTimings & { totalMs: number };
  faces: Omit<DemoFaceInfo, 'landmarks'>[];
  /** Per base photo: clips checked with the face model, re-rendered, failed (survival.ts). */
  survival: PhotoSurvival[];
  items: DemoItemSummary[];
  /** SHA-256 over all the items' hashes, in order. */
  sha256: string;
}

export interface DemoStoreResult extends DemoRunSummary {
  datasetId: string;
  status: string;
  stopReason?: string;
  storedItems: number;
  storeSeconds: number;
}

export interface DemoRunOptions extends Omit<DemoOptionsInput, 'faces'> {
  /** Take the base photos from the test API's hidden file input (testapi.files). */
  facesFromTestInput?: boolean;
  /** Workers to split the generation over (default: demoWorkerCount()); the bytes are the same. */
  workers?: number;
}

export interface DemoDebugApi {
  generate(opts?: DemoRunOptions): Promise<DemoRunSummary>;
  /** Generates and stores a new dataset (whatever is stored already). */
  store(opts?: DemoRunOptions): Promise<DemoStoreResult>;
  /** ensureDemoDataset(), timed. */
  ensure(): Promise<{ datasetId: string; created: boolean; seconds: number }>;
  /** An object URL of a frame of the last generate()/store(). */
  frameUrl(key: string, frame: number): string;
  /** One clean frame (PNG object URL): the photo's own face, a class at an intensity. */
  probe(opts: {
    cls: DemoClass;
    intensity: number;
    size: number;
    photo?: number;
    facesFromTestInput?: boolean;
  }): Promise<{ url: string; face: DemoFaceInfo }>;
}

declare global {
  interface Window {
    /** Installed by installDemoDebugHook (src/automation/demo.ts). */
    __ferDemo?: DemoDebugApi;
  }
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(parts: Blob[]): Promise<string> {
  const bytes = await new Blob(parts).arrayBuffer();
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

function testInputFaces(): DemoFace[] {
  const input = document.querySelector<HTMLInputElement>('[data-testid="testapi.files"]');
  const files = Array.from(input?.files ?? []);
  if (files.length === 0) throw new Error('The test input testapi.files has no photos.');
  return files.map((f) => ({ name: f.name, blob: f }));
}

async function facesFor(opts: { facesFromTestInput?: boolean }): Promise<DemoFace[]> {
  return opts.facesFromTestInput ? testInputFaces() : defaultFaces();
}

export function installDemoDebugHook(): void {
  let lastFrames = new Map<string, Blob[]>();

  const run = async (opts: DemoRunOptions = {}) => {
    const { facesFromTestInput, workers, ...rest } = opts;
    const faces = await facesFor({ facesFromTestInput: facesFromTestInput ?? false });
    const t0 = performance.now();
    const gen = await generateDemo({ ...rest, faces }, undefined, workers);
    const seconds = (performance.now() - t0) / 1000;
    lastFrames = new Map(gen.plan.items.map((i) => [i.key, i.sources.map((s) => s.file)]));
    const items: DemoItemSummary[] = [];
    for (const i of gen.plan.items) {
      const blobs = i.sources.map((s) => s.file);
      items.push({
        key: i.key,
        split: i.split ?? null,
        rawLabel: i.rawLabel,
        hiddenLabel: i.hiddenLabel ?? null,
        subject: i.subject ?? null,
        frames: blobs.length,
        bytes: blobs.reduce((n, b) => n + b.size, 0),
        sha256: await sha256(blobs),
      });
    }
    const summary: DemoRunSummary = {
      name: gen.plan.name,
      seed: rest.seed ?? 1,
      counts: validateDemoOptions(rest).counts,
      seconds,
      timings: gen.timings,
      faces: gen.faces.map(({ landmarks: _landmarks, ...f }) => f),
      survival: gen.survival,
      items,
      sha256: await sha256(items.map((i) => new Blob([i.sha256]))),
    };
    return { summary, plan: gen.plan };
  };

  window.__ferDemo = {
    generate: async (opts) => (await run(opts)).summary,
    store: async (opts) => {
      const { summary, plan } = await run(opts);
      const result = await commitPlan(await getDb(), plan);
      const out: DemoStoreResult = {
        ...summary,
        datasetId: result.datasetId,
        status: result.status,
        storedItems: result.storedItems,
        storeSeconds: result.seconds,
      };
      if (result.stopReason !== undefined) out.stopReason = result.stopReason;
      return out;
    },
    ensure: async () => {
      const t0 = performance.now();
      const r = await ensureDemoDataset();
      return { ...r, seconds: (performance.now() - t0) / 1000 };
    },
    frameUrl: (key, frame) => {
      const blob = lastFrames.get(key)?.[frame];
      if (!blob) throw new Error(`No frame ${frame} of ${key} in the last generation.`);
      return URL.createObjectURL(blob);
    },
    probe: async (opts) => {
      const faces = await facesFor(opts);
      const r = await runDemoWorker<{ blob: Blob; face: DemoFaceInfo }>(
        {
          type: 'probe',
          faces,
          photo: opts.photo ?? 0,
          cls: opts.cls,
          intensity: opts.intensity,
          size: opts.size,
        },
        (msg, resolve) => {
          if (msg.type === 'probe') resolve({ blob: msg.blob, face: msg.face });
        },
      );
      return { url: URL.createObjectURL(r.blob), face: r.face };
    },
  };
}
