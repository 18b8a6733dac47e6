/**
 * Guesses a dropped folder's layout from its relative paths alone (plus, optionally, the
 * headers of its CSV files). Also the small path helpers the layout planners share.
 */
import { canonicalLabel, canonicalSplit } from './aliases';
import { extensionKind, extensionOf } from './extensions';
import type { LayoutKind, Split } from './types';

/** Path segments, '/'-separated, empty ones dropped. */
export function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export function basename(path: string): string {
  const segs = segments(path);
  return segs[segs.length - 1] ?? '';
}

/** The folder part of a path ('' for a file at the top). */
export function dirname(path: string): string {
  const segs = segments(path);
  return segs.slice(0, -1).join('/');
}

/**
 * Operating-system clutter that is skipped without a problem: dot files (.DS_Store,
 * ._resource forks), Thumbs.db, desktop.ini, and anything inside __MACOSX or a dot folder.
 */
export function isJunkPath(path: string): boolean {
  const segs = segments(path);
  const name = (segs[segs.length - 1] ?? '').toLowerCase();
  if (name === 'thumbs.db' || name === 'desktop.ini' || name === 'ehthumbs.db') return true;
  return segs.some((s) => s.startsWith('.') || s === '__MACOSX');
}

export const isVideoPath = (p: string): boolean => extensionKind(p) === 'video';
export const isImagePath = (p: string): boolean => extensionKind(p) === 'image';
export const isCsvPath = (p: string): boolean => extensionOf(p) === 'csv';

/** The split named by the nearest folder above a file that is a split folder, if any. */
export function splitFromPath(path: string): Split | undefined {
  const dirs = segments(path).slice(0, -1);
  for (let i = dirs.length - 1; i >= 0; i--) {
    const s = canonicalSplit(dirs[i] ?? '');
    if (s) return s;
  }
  return undefined;
}

/**
 * The class folder of a file in a `<Split?>/<Class>/<file>` layout: its parent folder, unless
 * that is a split folder, or the top folder of the drop whose name is not a known class
 * (a dropped folder "clips/" is a container, a dropped folder "Angry/" is a class).
 * Null when the file has no class folder.
 */
export function classFolderOf(path: string): string | null {
  const dirs = segments(path).slice(0, -1);
  const parent = dirs[dirs.length - 1];
  if (parent === undefined) return null;
  if (canonicalSplit(parent)) return null;
  if (dirs.length === 1 && canonicalLabel(parent) === null) return null;
  return parent;
}

/**
 * One collator for every comparison: `localeCompare` with options builds a collator per call,
 * which made sorting a 5,000-file drop block the page for most of a second.
 */
const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Natural order for file names: "f2" before "f10". */
export const naturalCompare = (a: string, b: string): number => natural.compare(a, b);

export interface DetectResult {
  layout: LayoutKind | null;
  reason: string;
}

export interface DetectOptions {
  /** The first record of CSV files, by path, when the caller has read them. */
  csvHeaders?: Record<string, string[] | null>;
}

const CKPLUS_FRAME = /^S\d{3}_\d{3}_\d+\.png$/i;

/** True when a CSV header has `path` and `label` columns (a manifest). */
export function isManifestHeader(header: readonly string[] | null | undefined): boolean {
  if (!header) return false;
  const cols = header.map((c) => c.trim().toLowerCase());
  return cols.includes('path') && cols.includes('label');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Guesses the layout of a drop from its relative paths. Order: FERPlus CSV, CK+, a CSV
 * manifest, class folders of videos (AFEW), class folders of images, loose videos, loose
 * images. `reason` says what was seen, for the user.
 */
export function detectLayout(paths: string[], opts: DetectOptions = {}): DetectResult {
  const files = paths.filter((p) => !isJunkPath(p));
  if (files.length === 0) return { layout: null, reason: 'no files (hidden files are skipped)' };

  const fer = files.find((p) => basename(p).toLowerCase() === 'fer2013.csv');
  if (fer) {
    const votes = files.some((p) => basename(p).toLowerCase() === 'fer2013new.csv');
    return {
      layout: 'ferplus-csv',
      reason: votes
        ? `found ${fer} with FERPlus votes (fer2013new.csv): labels are the vote winners`
        : `found ${fer}: labels are the FER2013 emotion codes`,
    };
  }

  const ckFrames = files.filter(
    (p) =>
      isImagePath(p) &&
      (segments(p).some((s) => s.toLowerCase() === 'cohn-kanade-images') ||
        CKPLUS_FRAME.test(basename(p))),
  );
  if (ckFrames.length > 0) {
    const seqs = new Set(ckFrames.map(dirname)).size;
    const emotions = files.filter((p) => /_emotion\.txt$/i.test(p)).length;
    return {
      layout: 'ckplus',
      reason: `found ${plural(ckFrames.length, 'CK+ frame')} in ${plural(seqs, 'sequence')} and ${plural(emotions, 'emotion label file')}`,
    };
  }

  const videos = files.filter(isVideoPath);
  const images = files.filter(isImagePath);
  const csvs = files.filter(isCsvPath);
  const media = videos.length + images.length;

  if (csvs.length > 0 && media > 0) {
    const headers = opts.csvHeaders ?? {};
    const manifests = csvs.filter((c) => isManifestHeader(headers[c]));
    if (manifests.length > 0) {
      return {
        layout: 'manifest',
        reason: `found the manifest ${manifests[0] ?? ''} (columns path,label) next to ${plural(media, 'media file')}`,
      };
    }
    if (csvs.length === 1 && opts.csvHeaders === undefined) {
      return {
        layout: 'manifest',
        reason: `found one CSV (${csvs[0] ?? ''}) next to ${plural(media, 'media file')}: read as a path,label manifest`,
      };
    }
  }

  const classOf = (list: string[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const p of list) {
      const c = classFolderOf(p);
      if (c !== null) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return counts;
  };
  const describeClasses = (counts: Map<string, number>): string => {
    const names = [...counts.keys()].sort(naturalCompare);
    const known = names.filter((n) => canonicalLabel(n) !== null).length;
    return `${plural(names.length, 'class folder')} (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}; ${known} known)`;
  };
  const hasKnownClass = (counts: Map<string, number>): boolean =>
    [...counts.keys()].some((n) => canonicalLabel(n) !== null);

  if (videos.length > 0) {
    const classes = classOf(videos);
    if (hasKnownClass(classes)) {
      const splits = new Set(videos.map(splitFromPath).filter((s) => s !== undefined));
      return {
        layout: 'afew',
        reason: `found ${plural(videos.length, 'video')} in ${describeClasses(classes)}${splits.size ? `, splits ${[...splits].join('/')}` : ''}`,
      };
    }
  }
  if (images.length > 0) {
    const classes = classOf(images);
    if (hasKnownClass(classes) || videos.length === 0) {
      return {
        layout: 'image-folders',
        reason:
          classes.size > 0
            ? `found ${plural(images.length, 'image')} in ${describeClasses(classes)}`
            : `found ${plural(images.length, 'image')} without class folders: they will be unlabelled`,
      };
    }
  }
  if (videos.length > 0) {
    return {
      layout: 'unlabelled-video',
      reason: `found ${plural(videos.length, 'video')} without class folders: they will be unlabelled`,
    };
  }
  if (csvs.length > 0) {
    return {
      layout: null,
      reason: `found ${plural(csvs.length, 'CSV file')} but no fer2013.csv and no media files`,
    };
  }
  return {
    layout: null,
    reason: `none of the ${plural(files.length, 'file')} is a video, an image or a known CSV`,
  };
}
