import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A stand-in for the built app, for testing the runner on its own: one index.html whose
 * script implements the test API contract (scripts/lib/api.ts) over the page's own
 * IndexedDB. Classes come from the folder under the dataset root; empty files are
 * rejected; a dataset named 'full-disk' stops part-way as a full disk would.
 *
 * Its `window.__ferPreprocess` fakes preprocessing: every item keeps 2 of 3 frames; items
 * done with the same settings are remembered (localStorage, so across commands) and skipped;
 * a dataset named 'pp-broken' fails every item, one named 'pp-full' stops as on a full disk.
 * `mediaWithCrops` gives images one frame with one face, videos three frames (the middle
 * one dropped, no face), and fails files whose name contains 'broken'.
 */
const FAKE_APP_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>fake FER Workbench</title></head>
<body>
<input type="file" multiple data-testid="testapi.files" hidden>
<input type="file" webkitdirectory data-testid="testapi.folder" hidden>
<script type="module" src="./app.js"></script>
</body></html>
`;

/** The fake app's script: a file, not inline, so it runs under the servers' CSP (script-src 'self'). */
const FAKE_APP_JS = `const params = new URLSearchParams(location.search);
let plan = null;
function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('fake-fer', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('datasets', { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
async function tx(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction('datasets', mode);
    const req = fn(t.objectStore('datasets'));
    t.oncomplete = () => resolve(req.result);
    t.onerror = () => reject(t.error);
  });
}
function summarise(files, which, opts) {
  const problems = [];
  const counts = new Map();
  let itemCount = 0;
  let totalBytes = 0;
  for (const f of files) {
    const p = f.webkitRelativePath || f.name;
    if (f.size === 0) {
      problems.push({ path: p, code: 'zero-byte', message: 'The file is empty.' });
      continue;
    }
    const parts = p.split('/');
    const label = which === 'folder' && parts.length >= 3 ? parts[1] : '';
    counts.set(label, (counts.get(label) ?? 0) + 1);
    itemCount++;
    totalBytes += f.size;
  }
  const first = files[0];
  const root = first ? (first.webkitRelativePath || first.name).split('/')[0] : 'empty';
  const classes = [...counts].map(([rawLabel, count]) => ({
    rawLabel,
    canonical: rawLabel === '' ? null : rawLabel.toLowerCase(),
    count,
  }));
  return {
    name: opts?.name ?? root,
    layout: opts?.layout ?? 'image-folders',
    labelled: classes.some((c) => c.canonical !== null),
    classes,
    itemCount,
    fileCount: files.length,
    totalBytes,
    totalDurationSec: null,
    splits: { none: itemCount },
    problems,
  };
}
window.__fer = {
  version: 1,
  ready: async () => { await openDb(); },
  backend: () => ({ name: params.get('backend') ?? 'cpu', fallbacks: [], adapter: null }),
  planFromTestInput: async (which, opts) => {
    const input = document.querySelector('[data-testid="testapi.' + which + '"]');
    const files = [...(input?.files ?? [])];
    if (files.length === 0) throw new Error('No files were given.');
    plan = summarise(files, which, opts);
    return plan;
  },
  commitPlan: async () => {
    if (!plan) throw new Error('Nothing planned.');
    const t0 = performance.now();
    const full = plan.name === 'full-disk';
    const id = 'ds-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
    const status = full ? 'partial' : 'ready';
    await tx('readwrite', (s) => s.put({ ...plan, id, status, createdAt: Date.now() }));
    const result = { ...plan, datasetId: id, status, storedItems: full ? 1 : plan.itemCount,
      seconds: (performance.now() - t0) / 1000 };
    if (full) result.stopReason = 'QuotaExceededError: the disk is full.';
    plan = null;
    return result;
  },
  listDatasets: async () => {
    const all = await tx('readonly', (s) => s.getAll());
    return all.map(({ fileCount, splits, ...d }) => d);
  },
  deleteDataset: async (id) => { await tx('readwrite', (s) => s.delete(id)); },
  storage: async () => {
    const e = await navigator.storage.estimate();
    return { usageBytes: e.usage ?? null, quotaBytes: e.quota ?? null,
      persisted: await navigator.storage.persisted() };
  },
};
const runs = new Map();
let workers = 2;
const drops = () => ({ 'no-face': 0, 'no-landmarks': 0, 'decode-error': 0 });
function fullConfig(c) {
  return { crop: { size: c?.crop?.size ?? 224 }, illumination: { method: c?.illumination?.method ?? 'clahe' },
    encode: { format: 'webp', quality: 0.8 }, fps: c?.fps ?? 10,
    maxFramesPerVideo: c?.maxFramesPerVideo ?? 64, minFramesPerVideo: 5, detectMaxSide: 640,
    tiledDetection: c?.tiledDetection ?? 'auto' };
}
function hashOf(config) {
  let h = 0;
  for (const ch of JSON.stringify(config)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(16, '0');
}
window.__ferPreprocess = {
  setWorkers: (n) => { if (n !== null) workers = n; return workers; },
  start: (datasetId, config, options = {}) => {
    const id = runs.size + 1;
    const t0 = performance.now();
    const full = fullConfig(config);
    const hash = hashOf(full);
    const run = { phase: 'planning', itemsTotal: 0, itemsDone: 0, itemsSkipped: 0, framesDone: 0 };
    run.done = (async () => {
      const ds = (await tx('readonly', (s) => s.getAll())).find((d) => d.id === datasetId);
      if (!ds) throw new Error('Dataset ' + datasetId + ' does not exist.');
      const key = 'pp:' + datasetId;
      const stored = JSON.parse(localStorage.getItem(key) ?? '{}');
      const items = Array.from({ length: ds.itemCount }, (_, i) => 'item' + i);
      const todo = items.filter((it) => options.redo === 'all' || stored[it]?.hash !== hash
        || (options.redo === 'failed' && stored[it].status === 'failed'));
      Object.assign(run, { phase: 'running', itemsTotal: items.length, itemsSkipped: items.length - todo.length });
      await new Promise((r) => setTimeout(r, todo.length > 0 ? 3000 : 0));
      const outcomes = [];
      let stopReason;
      for (const it of todo) {
        if (ds.name === 'pp-full' && run.itemsDone === 1) { stopReason = 'QuotaExceededError: the disk is full.'; break; }
        const failed = ds.name === 'pp-broken';
        const o = { itemId: it, key: ds.name + '/' + it, status: failed ? 'failed' : 'done', flags: [],
          sampled: failed ? 0 : 3, kept: failed ? 0 : 2, dropped: { ...drops(), 'no-face': failed ? 0 : 1 },
          mining: ds.labelled || failed ? null : { accepted: true, clip: { startFrame: 0, endFrame: 2 } },
          error: failed ? 'Could not decode the video.' : null };
        stored[it] = { hash, ...o };
        outcomes.push(o);
        run.itemsDone++;
        run.framesDone += o.sampled;
      }
      localStorage.setItem(key, JSON.stringify(stored));
      const records = Object.values(stored).filter((r) => r.hash === hash);
      const byStatus = { done: 0, flagged: 0, failed: 0 };
      const dropped = drops();
      let kept = 0, sampled = 0, mined = null;
      for (const r of records) {
        byStatus[r.status]++; kept += r.kept; sampled += r.sampled; dropped['no-face'] += r.dropped['no-face'];
        if (r.mining) { mined ??= { accepted: 0, rejected: {} }; mined.accepted++; }
      }
      const seconds = (performance.now() - t0) / 1000;
      run.phase = stopReason ? 'stopped' : 'done';
      return { datasetId, configHash: hash, config: full, itemsTotal: items.length, processed: run.itemsDone,
        skipped: run.itemsSkipped, byStatus, keptFrames: kept, sampledFrames: sampled, dropped,
        mining: mined, seconds, framesPerSec: run.framesDone / seconds, phase: run.phase,
        ...(stopReason ? { stopReason } : {}), outcomes };
    })();
    run.t0 = t0;
    runs.set(id, run);
    return id;
  },
  progress: (id) => {
    const r = runs.get(id);
    const elapsedSec = (performance.now() - r.t0) / 1000;
    return { phase: r.phase, itemsTotal: r.itemsTotal, itemsDone: r.itemsDone, itemsSkipped: r.itemsSkipped,
      framesDone: r.framesDone, framesPerSec: r.framesDone / elapsedSec, etaSec: 2, elapsedSec, current: [] };
  },
  cancel: () => {},
  wait: (id) => runs.get(id).done,
  mediaWithCrops: async (config) => {
    const input = document.querySelector('[data-testid="testapi.files"]');
    const full = fullConfig(config);
    const crop = (name, region) => {
      const text = 'fake ' + region + ' crop of ' + name;
      return { bytes: text.length, type: 'image/webp', base64: btoa(text) };
    };
    const files = [...(input?.files ?? [])].map((f) => {
      const image = /\\.(png|jpe?g|webp)$/i.test(f.name);
      if (f.name.includes('broken'))
        return { name: f.name, kind: image ? 'image' : 'video', error: 'The file does not decode.',
          sourceWidth: 0, sourceHeight: 0, sampleFps: null, sampled: 0, kept: 0, dropped: drops(),
          tooFewFrames: true, mining: null, frames: [] };
      const n = image ? 1 : 3;
      const frames = Array.from({ length: n }, (_, i) => {
        const dropped = i === 1 ? 'no-face' : null;
        return { frameIndex: i, timestampSec: i / 10, width: 64, height: 48,
          faces: dropped ? [] : [{ box: { x: 10, y: 8, width: 30, height: 30 }, score: 0.9, keypoints: {}, hasLandmarks: true }],
          chosen: dropped ? null : 0, keypoints: null, angleDeg: dropped ? null : 0,
          affines: dropped ? null : { face: [1, 0, 0, 0, 1, 0], eyes: [1, 0, 0, 0, 1, 0], mouth: [1, 0, 0, 0, 1, 0] },
          dropped, note: null, lightnessBefore: null, lightnessAfter: null,
          crops: dropped ? null : { face: crop(f.name, 'face'), eyes: crop(f.name, 'eyes'), mouth: crop(f.name, 'mouth') } };
      });
      return { name: f.name, kind: image ? 'image' : 'video', error: null, sourceWidth: 64, sourceHeight: 48,
        sampleFps: image ? null : full.fps, sampled: n, kept: image ? 1 : 2,
        dropped: { ...drops(), 'no-face': image ? 0 : 1 }, tooFewFrames: false,
        mining: image ? null : { accepted: false, reason: 'too-short', longestRun: 1 }, frames };
    });
    return { config: full, configHash: hashOf(full), mining: { minRunFrames: 30, minFaceAreaFraction: 0.02, majority: 0.5 }, files };
  },
};
`;

/** Writes the fake app into `dir` (created if needed) and returns `dir`. */
export async function writeFakeApp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.html'), FAKE_APP_HTML);
  await writeFile(path.join(dir, 'app.js'), FAKE_APP_JS);
  return dir;
}

/** A page without the test API, to check the runner's message for a wrong --dist. */
export async function writeNotTheApp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>something else</title>');
  return dir;
}
