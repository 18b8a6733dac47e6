/** The Node runtime's command-line types (no imports: ../argTypes.ts takes them from here). */

export const RUNTIMES = ['browser', 'node-webgpu'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export interface ExportFramesOptions {
  /** A dataset id or its exact name. */
  dataset: string;
  /** Frame side in pixels: the model's input size (48 for the tiny preset, 224 full). */
  size: number;
  /** The output folder, absolute. */
  out: string;
}
