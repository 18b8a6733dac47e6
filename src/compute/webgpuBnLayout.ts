/**
 * How the webgpu batch-norm reductions (./webgpuBatchNorm.ts) split a [rows, C] map (rows =
 * N H W, channels contiguous) over workgroups: each workgroup covers CHANNEL_TILE adjacent
 * channels x ROW_LANES row lanes over one chunk of rows. CHANNEL_TILE = 32 makes a row of a tile
 * one 128-byte line of float32, so adjacent invocations read adjacent addresses. Chunks are
 * chosen so that tiles x chunks is about TARGET_WORKGROUPS (enough to fill a large GPU) without
 * a chunk shorter than MIN_CHUNK_ROWS (below that the merge costs more than it spreads).
 * Untuned on a real GPU: the constants are a first guess, to be set from a profile.
 */

export const CHANNEL_TILE = 32;
/** A power of two: the lanes of a tile are summed by halving. */
export const ROW_LANES = 8;
export const TARGET_WORKGROUPS = 512;
export const MIN_CHUNK_ROWS = 64;

export interface BnLayout {
  /** ceil(C / CHANNEL_TILE) */
  tiles: number;
  /** Rows per chunk; the last chunk may be shorter (never empty). */
  chunkRows: number;
  /** ceil(rows / chunkRows) */
  chunks: number;
}

export function bnLayout(rows: number, channels: number): BnLayout {
  const tiles = Math.ceil(channels / CHANNEL_TILE);
  const wanted = Math.ceil(TARGET_WORKGROUPS / tiles);
  const chunks0 = Math.max(1, Math.min(wanted, Math.ceil(rows / MIN_CHUNK_ROWS)));
  const chunkRows = Math.ceil(rows / chunks0);
  return { tiles, chunkRows, chunks: Math.ceil(rows / chunkRows) };
}
