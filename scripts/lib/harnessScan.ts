/**
 * What must never ship in the production build (issue 16): the `window.__fer*` test hooks,
 * the test API's hidden inputs, the training worker's test-only messages, and the test
 * fixtures of src/automation/. `scanForHarness` looks for each marker in every file of a
 * build folder (source maps included: they carry the sources).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './build';

export interface HarnessMarker {
  /** What finding it means, for the message. */
  what: string;
  bytes: Buffer;
}

/** A window of a committed fixture's bytes: present in a build only if the file is. */
async function fixtureBytes(file: string, offset: number, length = 64): Promise<Buffer> {
  const all = await readFile(path.join(REPO_ROOT, file));
  if (all.length < offset + length) throw new Error(`${file} is shorter than ${offset + length}`);
  return all.subarray(offset, offset + length);
}

const text = (what: string, s: string): HarnessMarker => ({ what, bytes: Buffer.from(s) });

/**
 * The markers. Binary fixtures by a window of their bytes (as emitted assets); JSON fixtures
 * by a number that survives being imported as a module (JS prints it the same way).
 */
export async function harnessMarkers(): Promise<HarnessMarker[]> {
  const tiny = 'src/automation/model/fixtures/tiny';
  return [
    text('a window.__fer* test hook', '__fer'),
    text("the test API's hidden inputs (src/automation/app/TestApiInputs.tsx)", 'testapi.files'),
    text("the training worker's test-only message 'fill-storage'", 'fill-storage'),
    text("the training worker's test-only message 'lose-device'", 'lose-device'),
    text(`the tiny model fixture (${tiny}/expected.json)`, '-1.128389835357666'),
    {
      what: `the tiny model fixture (${tiny}/model.json)`,
      bytes: await fixtureBytes(`${tiny}/model.json`, 7_000),
    },
    {
      what: `the tiny model fixture (${tiny}/group1-shard1of1.bin)`,
      bytes: await fixtureBytes(`${tiny}/group1-shard1of1.bin`, 20_000),
    },
    {
      what: `the tiny model fixture (${tiny}/input.bin)`,
      bytes: await fixtureBytes(`${tiny}/input.bin`, 10_000),
    },
    text('the demo landmarks fixture (src/automation/demo/astronaut-landmarks.json)', '196.37'),
  ];
}

export interface HarnessFinding {
  /** The file, relative to the scanned folder. */
  file: string;
  what: string;
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}

/** Every (file, marker) pair where the marker occurs in the file. */
export async function scanForHarness(
  dir: string,
  markers?: HarnessMarker[],
): Promise<HarnessFinding[]> {
  const list = markers ?? (await harnessMarkers());
  const found: HarnessFinding[] = [];
  for (const file of await files(dir)) {
    const bytes = await readFile(file);
    for (const m of list)
      if (bytes.includes(m.bytes)) found.push({ file: path.relative(dir, file), what: m.what });
  }
  return found;
}
