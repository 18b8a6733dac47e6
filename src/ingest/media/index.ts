/** Media probing and decoding in the browser (native decoder first, ffmpeg.wasm for the rest). */
export { probeMedia } from './probe';
export { extractFrames, type ExtractFramesOptions } from './frames';
export { makeThumbnail, DEFAULT_THUMBNAIL_SIZE, type ThumbnailOptions } from './thumbnail';
export { playableUrl, type PlayableUrl } from './playable';
export { preloadFfmpeg, ffmpegLoaded, ffmpegStats } from './ffmpeg';
export {
  MediaDecodeError,
  isMediaDecodeError,
  configureMedia,
  mediaSettings,
  type MediaProbe,
  type ExtractedFrame,
  type MediaProblemCode,
  type DecodeOptions,
} from './types';
