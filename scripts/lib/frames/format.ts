/**
 * An exported frames folder (docs/cli.md, "Frames folders"): a dataset's clips as the training
 * loader lists them, and each of their frames decoded by the app's decoder, so training in Node
 * (`experiment --runtime node-webgpu`) reads exactly the pixels browser training reads.
 *
 *   manifest.json   FramesManifest (below), written last: a folder without it is incomplete
 *   frames-000.bin  frames back to back, each `size * size * 9` bytes (HWC, channels face RGB,
 *   frames-001.bin  eyes RGB, mouth RGB; src/train/data/source.ts FrameSource.load)
 *
 * Frame j of a clip (`clip.frames[j]`, a stored frame index) lies in shard `shard` at byte
 * `(offset + j) * frameBytes`; a clip never spans two shards.
 */
import { open, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CANONICAL_CLASSES, type CanonicalClass } from '../../../src/ingest/labels';
import type { ClipIndex, ClipRef } from '../../../src/train/data/clips';
import { FrameLoadError, type FrameSource } from '../../../src/train/data/source';

export const FRAMES_FORMAT = 'fer-workbench-frames';
export const FRAMES_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
/** Default shard size: a clip starts a new shard once the current one holds this many bytes. */
export const SHARD_BYTES = 512 * 2 ** 20;

/** A clip as exported: the loader's ClipRef with its labels as class names, not indices. */
export type FramesClip = Omit<ClipRef, 'label' | 'hiddenLabel'> & {
  label: CanonicalClass | null;
  hiddenLabel: CanonicalClass | null;
};

export interface FramesManifest {
  format: typeof FRAMES_FORMAT;
  version: typeof FRAMES_VERSION;
  /** Frame side in pixels; each frame is size * size * 9 bytes. */
  size: number;
  frameBytes: number;
  dataset: { id: string; name: string; labelled: boolean };
  /** Items the loader left out, by reason (listClips, with every class). */
  skipped: Record<string, number>;
  exportedAt: string;
  shards: { file: string; frames: number }[];
  /** In the loader's order; `shard` and `offset` say where the clip's frames are. */
  clips: { clip: FramesClip; shard: number; offset: number }[];
}

/** The loader's clips (listed with every canonical class) with their labels as class names. */
export function clipsToNames(clips: readonly ClipRef[]): FramesClip[] {
  const name = (i: number | null): CanonicalClass | null =>
    i === null ? null : (CANONICAL_CLASSES[i] ?? null);
  return clips.map((c) => ({ ...c, label: name(c.label), hiddenLabel: name(c.hiddenLabel) }));
}

/** Writes a frames folder clip by clip; `finish` writes the manifest. */
export class FramesWriter {
  private readonly shards: FramesManifest['shards'] = [];
  private readonly clips: FramesManifest['clips'] = [];
  private handle: FileHandle | null = null;
  private shardBytes = 0;

  constructor(
    readonly dir: string,
    readonly size: number,
    readonly shardLimit = SHARD_BYTES,
  ) {}

  get frameBytes(): number {
    return this.size * this.size * 9;
  }

  /** Starts a clip; its frames follow with `frames` (in the order of clip.frames). */
  async startClip(clip: FramesClip): Promise<void> {
    if (!this.handle || this.shardBytes >= this.shardLimit) {
      await this.handle?.close();
      const file = `frames-${String(this.shards.length).padStart(3, '0')}.bin`;
      this.handle = await open(path.join(this.dir, file), 'w');
      this.shards.push({ file, frames: 0 });
      this.shardBytes = 0;
    }
    const shard = this.shards.length - 1;
    this.clips.push({ clip, shard, offset: this.shards[shard]?.frames ?? 0 });
  }

  /** Appends whole frames (a multiple of frameBytes) to the current clip. */
  async frames(bytes: Uint8Array): Promise<void> {
    const shard = this.shards[this.shards.length - 1];
    if (!this.handle || !shard) throw new Error('FramesWriter: frames before startClip');
    if (bytes.byteLength % this.frameBytes !== 0)
      throw new Error(`${bytes.byteLength} bytes are not whole frames of ${this.frameBytes}`);
    await this.handle.write(bytes);
    shard.frames += bytes.byteLength / this.frameBytes;
    this.shardBytes += bytes.byteLength;
  }

  async finish(
    meta: Pick<FramesManifest, 'dataset' | 'skipped'>,
    exportedAt = new Date(),
  ): Promise<FramesManifest> {
    await this.handle?.close();
    this.handle = null;
    const manifest: FramesManifest = {
      format: FRAMES_FORMAT,
      version: FRAMES_VERSION,
      size: this.size,
      frameBytes: this.frameBytes,
      ...meta,
      exportedAt: exportedAt.toISOString(),
      shards: this.shards,
      clips: this.clips,
    };
    await writeFile(path.join(this.dir, MANIFEST_FILE), JSON.stringify(manifest));
    return manifest;
  }
}

/** Reads and checks a folder's manifest: the format, the version, and each shard's size. */
export async function readFramesManifest(dir: string): Promise<FramesManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let doc: Partial<FramesManifest>;
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as Partial<FramesManifest>;
  } catch (e) {
    throw new Error(
      `${file} cannot be read (${e instanceof Error ? e.message : String(e)}): ` +
        'export the dataset with `npm run cli -- export-frames <dataset> --size S --out DIR`.',
      { cause: e },
    );
  }
  if (doc.format !== FRAMES_FORMAT || doc.version !== FRAMES_VERSION)
    throw new Error(
      `${file} is not a frames manifest of version ${FRAMES_VERSION} ` +
        `(format ${String(doc.format)}, version ${String(doc.version)}).`,
    );
  const m = doc as FramesManifest;
  if (m.frameBytes !== m.size * m.size * 9)
    throw new Error(`${file}: frameBytes ${m.frameBytes} is not size * size * 9.`);
  for (const s of m.shards) {
    const h = await open(path.join(dir, s.file), 'r');
    const { size } = await h.stat();
    await h.close();
    if (size !== s.frames * m.frameBytes)
      throw new Error(
        `${path.join(dir, s.file)} has ${size} bytes; the manifest says ${s.frames} frames of ${m.frameBytes}.`,
      );
  }
  return m;
}

export interface FramesFolder {
  dir: string;
  manifest: FramesManifest;
}

/**
 * listClips's stand-in (src/train/run/data.ts ClipLister) over exported folders: the dataset's
 * clips with their class names mapped to indices in the run's classes; a clip of a class not in
 * the run is skipped ('class-not-in-run'), as listClips does.
 */
export function folderClipLister(folders: readonly FramesFolder[]) {
  return (
    _db: unknown,
    datasetId: string,
    classes: readonly CanonicalClass[],
  ): Promise<ClipIndex> => {
    const f = folders.find((x) => x.manifest.dataset.id === datasetId);
    if (!f)
      return Promise.reject(
        new Error(
          `No frames folder holds dataset '${datasetId}' (have: ${folders.map((x) => x.manifest.dataset.id).join(', ') || 'none'}).`,
        ),
      );
    const skipped: ClipIndex['skipped'] = { ...f.manifest.skipped };
    const clips: ClipRef[] = [];
    const index = (c: CanonicalClass | null): number | null => {
      const i = c === null ? -1 : classes.indexOf(c);
      return i < 0 ? null : i;
    };
    for (const { clip: c } of f.manifest.clips) {
      const label = index(c.label);
      if (c.label !== null && label === null) {
        skipped['class-not-in-run'] = (skipped['class-not-in-run'] ?? 0) + 1;
        continue;
      }
      clips.push({ ...c, label, hiddenLabel: index(c.hiddenLabel) });
    }
    return Promise.resolve({ clips, skipped });
  };
}

/** A FrameSource over exported folders: reads each frame from its shard (no cache: the OS has one). */
export function folderFrameSource(folders: readonly FramesFolder[]): FrameSource & {
  close(): Promise<void>;
} {
  // Item -> frame index -> where its bytes are. Keyed by frame, not by clip: an item mined
  // into several clips has one manifest entry per clip, each with its own frames, and a
  // per-video validation example joins them all.
  interface FrameAt {
    folder: FramesFolder;
    shard: number;
    /** Frame slot within the shard. */
    slot: number;
  }
  const where = new Map<string, Map<number, FrameAt>>();
  for (const folder of folders)
    for (const entry of folder.manifest.clips) {
      let frames = where.get(entry.clip.itemId);
      if (!frames) where.set(entry.clip.itemId, (frames = new Map<number, FrameAt>()));
      entry.clip.frames.forEach((f, j) => {
        if (!frames.has(f)) frames.set(f, { folder, shard: entry.shard, slot: entry.offset + j });
      });
    }
  const handles = new Map<string, Promise<FileHandle>>();
  return {
    async load(ref, frameIndex, size) {
      const frames = where.get(ref.itemId);
      const fail = (why: string) => new FrameLoadError(why, ref.itemId, frameIndex);
      if (!frames) throw fail(`Clip '${ref.key}' (item ${ref.itemId}) is in no frames folder.`);
      const at = frames.get(frameIndex);
      if (!at) throw fail(`Frame ${frameIndex} of '${ref.key}' is in no frames folder.`);
      const { folder, slot } = at;
      const m = folder.manifest;
      if (size !== m.size)
        throw fail(
          `The model takes ${size} px frames; ${folder.dir} holds ${m.size} px. ` +
            `Export the dataset again with --size ${size}.`,
        );
      const shard = m.shards[at.shard];
      if (!shard) throw fail(`Frame ${frameIndex} of '${ref.key}' is not in ${folder.dir}.`);
      const file = path.join(folder.dir, shard.file);
      let h = handles.get(file);
      if (!h) {
        h = open(file, 'r');
        handles.set(file, h);
      }
      const out = new Uint8Array(m.frameBytes);
      const { bytesRead } = await (await h).read(out, 0, m.frameBytes, slot * m.frameBytes);
      if (bytesRead !== m.frameBytes)
        throw fail(`${file} ends inside frame ${frameIndex} of '${ref.key}'.`);
      return out;
    },
    async close() {
      for (const h of handles.values()) await (await h).close();
      handles.clear();
    },
  };
}
