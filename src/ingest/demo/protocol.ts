/**
 * Messages between the demo generator's callers (api.ts, src/automation/demo.ts) and its worker
 * (workers/demo.worker.ts). One worker per generation; it imports nothing from the UI.
 */
import type { DemoClass } from './classes';
import type { DemoFace, DemoOptions } from './options';
import type { DemoSplit } from './planner';
import type { PhotoSurvival } from './survival';

export interface DemoProgress {
  phase: 'landmarks' | 'rendering';
  /** Rendering: clips done by this worker (api.ts sums the shards); landmarks: photos done. */
  done: number;
  /** Rendering: clips in the whole plan; landmarks: photos. */
  total: number;
}

/** A base photo as the worker saw it: its size and the 478 landmarks it found (pixels). */
export interface DemoFaceInfo {
  name: string;
  width: number;
  height: number;
  /** Inter-ocular distance in the photo's pixels. */
  eyeDistance: number;
  landmarks: number[];
}

export interface DemoTimings {
  loadMs: number;
  landmarksMs: number;
  renderMs: number;
  encodeMs: number;
}

/**
 * Which clips a generating worker renders: those whose number in the plan is `index` modulo
 * `count` (several workers split one generation; every clip is a function of the seed and its
 * own spec, so the bytes do not depend on the split).
 */
export interface DemoShard {
  index: number;
  count: number;
}

export type DemoWorkerRequest =
  | { type: 'generate'; options: DemoOptions & { faces: DemoFace[] }; shard?: DemoShard }
  | {
      type: 'probe';
      faces: DemoFace[];
      /** Which photo, which class, how strong, how big (no identity, motion or noise). */
      photo: number;
      cls: DemoClass;
      intensity: number;
      size: number;
    };

export type DemoWorkerResponse =
  | { type: 'progress'; progress: DemoProgress }
  | {
      type: 'clip';
      /** The clip's number in the plan (planClips order). */
      index: number;
      key: string;
      split: DemoSplit;
      cls: DemoClass;
      identity: number;
      frames: { path: string; blob: Blob }[];
      intensities: number[];
    }
  | { type: 'done'; faces: DemoFaceInfo[]; survival: PhotoSurvival[]; timings: DemoTimings }
  | { type: 'probe'; blob: Blob; face: DemoFaceInfo }
  | { type: 'error'; message: string };
