import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A stand-in for the built app, for testing the runner on its own: one index.html whose
 * script implements the test API contract (scripts/lib/api.ts) over the page's own
 * IndexedDB. Classes come from the folder under the dataset root; empty files are
 * rejected; a dataset named 'full-disk' stops part-way as a full disk would.
 */
const FAKE_APP_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>fake FER Workbench</title></head>
<body>
<input type="file" multiple data-testid="testapi.files" hidden>
<input type="file" webkitdirectory data-testid="testapi.folder" hidden>
<script type="module">
const params = new URLSearchParams(location.search);
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
</script>
</body></html>
`;

/** Writes the fake app into `dir` (created if needed) and returns `dir`. */
export async function writeFakeApp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.html'), FAKE_APP_HTML);
  return dir;
}

/** A page without the test API, to check the runner's message for a wrong --dist. */
export async function writeNotTheApp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>something else</title>');
  return dir;
}
