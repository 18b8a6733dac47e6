import type { ProblemCode } from '../types';

/** What probing a media file found. */
export interface MediaProbe {
  kind: 'video' | 'image';
  /** The type the content really has (sniffed), e.g. 'video/mp4', 'video/x-msvideo', 'image/png'. */
  mime: string;
  width: number;
  height: number;
  /** Seconds; null for images. */
  durationSec: number | null;
  /** Frames per second as the container/stream declares it; null for images or when unknown. */
  frameRate: number | null;
  /** Who decoded it: the browser's own decoder or ffmpeg.wasm. */
  decoder: 'native' | 'ffmpeg';
}

/** One decoded frame. `timestampSec` is the frame's real presentation time. */
export interface ExtractedFrame {
  index: number;
  timestampSec: number;
  image: ImageBitmap;
}

/** The problem codes a decode can end in (a subset of the importer's ProblemCode). */
export type MediaProblemCode = Extract<
  ProblemCode,
  'zero-byte' | 'truncated' | 'corrupt' | 'unsupported' | 'wrong-extension'
>;

/** A file that cannot be decoded, with a code the importer can show and a sentence for people. */
export class MediaDecodeError extends Error {
  override readonly name = 'MediaDecodeError';
  constructor(
    readonly code: MediaProblemCode,
    message: string,
  ) {
    super(message);
  }
}

export function isMediaDecodeError(e: unknown): e is MediaDecodeError {
  return e instanceof MediaDecodeError;
}

/** Options every decoding function accepts. */
export interface DecodeOptions {
  /** Give up (and report 'corrupt') after this long. Default: mediaSettings.decodeTimeoutMs. */
  timeoutMs?: number;
  /** Never use the browser's decoder (for tests and for comparing decoders). */
  forceFfmpeg?: boolean;
}

/** Module-wide defaults; change them through configureMedia(). */
export const mediaSettings = {
  /** Every decode (probe, frame grab, transcode) gets at most this long. */
  decodeTimeoutMs: 20_000,
  /** Loading ffmpeg.wasm (32 MB) is not counted in the decode timeout; it has its own. */
  ffmpegLoadTimeoutMs: 120_000,
};

export function configureMedia(s: Partial<typeof mediaSettings>): void {
  Object.assign(mediaSettings, s);
}

export function timeoutOf(opts?: DecodeOptions): number {
  return opts?.timeoutMs ?? mediaSettings.decodeTimeoutMs;
}
