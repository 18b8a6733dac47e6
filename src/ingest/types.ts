import type { CanonicalClass } from './labels';

/** Layouts the importer recognises. See docs/ingest.md for each one's folder structure. */
export type LayoutKind =
  | 'afew' // <Split?>/<Class>/<video>
  | 'ckplus' // cohn-kanade-images/Sxxx/yyy/*.png + Emotion/Sxxx/yyy/*_emotion.txt
  | 'ferplus-csv' // fer2013.csv (+ fer2013new.csv votes)
  | 'image-folders' // <Split?>/<Class>/<image>
  | 'unlabelled-video' // any folder of videos without class folders (BoLD/AVA clips)
  | 'manifest' // a CSV manifest: path,label[,subject][,split]
  | 'demo'; // the built-in synthetic demo dataset (src/ingest/demo)

export type Split = 'train' | 'val' | 'test';

export type MediaKind = 'video' | 'image' | 'image-sequence' | 'pixels';

/** One file handed to the importer, with its path relative to what was dropped ('/'-separated). */
export interface SourceFile {
  path: string;
  file: Blob;
}

export type ProblemCode =
  | 'zero-byte'
  | 'truncated'
  | 'corrupt'
  | 'unsupported'
  | 'too-large'
  | 'wrong-extension'
  | 'unknown-class'
  | 'parse-error'
  | 'missing-file'
  | 'ignored';

/** A per-file problem found while planning or probing an import. The file is skipped. */
export interface FileProblem {
  path: string;
  code: ProblemCode;
  message: string;
}

/** One media item the import will store (a video, an image, a CK+ sequence or a FER row). */
export interface PlannedItem {
  /** Stable key within the dataset: the source path (or `fer2013.csv#row`). */
  key: string;
  kind: MediaKind;
  /** Source files in order (one for video/image, the frames of a sequence). */
  sources: SourceFile[];
  /** Raw grey pixels for FER2013-style rows (48x48). */
  pixels?: Uint8Array;
  width?: number;
  height?: number;
  /** The label as the dataset spells it; null for unlabelled items. */
  rawLabel: string | null;
  /**
   * A label known but withheld from training (the demo's unlabelled pool): kept only so
   * pseudo-labels can be analysed. Never used as a training target.
   */
  hiddenLabel?: string;
  subject?: string;
  split?: Split;
  /** Filled by probing: duration in seconds for videos. */
  durationSec?: number;
  mime?: string;
}

/** What the importer shows before anything is stored. */
export interface ImportPlan {
  name: string;
  layout: LayoutKind;
  labelled: boolean;
  items: PlannedItem[];
  /** Raw label -> canonical class (null = not mapped: items with it are skipped). Editable. */
  classMap: Record<string, CanonicalClass | null>;
  problems: FileProblem[];
  /** Why this layout was chosen (detection's reason, or "chosen by the user"). */
  layoutReason?: string;
}

/** What one layout planner returns: the items it found and the files it had to skip. */
export interface LayoutPlan {
  items: PlannedItem[];
  problems: FileProblem[];
}

/** Per-class numbers of a plan or a stored dataset. */
export interface ClassCount {
  rawLabel: string;
  canonical: CanonicalClass | null;
  count: number;
}
