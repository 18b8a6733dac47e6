/**
 * extractFrames: decoded frames at a chosen rate, each with its real presentation time.
 *   - images: one frame at t = 0;
 *   - MP4/WebM the browser plays (main thread): seek to i / fps, draw the frame; the
 *     timestamp is the seek position (the browser shows the frame at that time);
 *   - MP4s (demuxed by mp4box) and WebM/Matroska (demuxed by mediabunny) whose codec the
 *     browser's VideoDecoder takes (H.264, VP8, VP9, AV1...), where there is no <video>
 *     (workers): WebCodecs (webcodecs.ts), the same frames and timestamps as ffmpeg's `fps`
 *     filter below, decoded natively; on any failure the ffmpeg.wasm path takes over from the
 *     first frame not yet given;
 *   - everything else (AVI/Xvid, codecs VideoDecoder lacks): ffmpeg.wasm's `fps` filter
 *     resamples to the rate and `showinfo` prints each output frame's pts, which becomes the
 *     timestamp.
 */
import { withFfmpeg } from './ffmpeg';
import { fitSize } from './fitSize';
import { parseShowinfo } from './ffmpegParse';
import { grabNative, NativeFailure, openNative, seekNative } from './native';
import { decodeImage, ffmpegDecodeError, ffprobeJob, nativeCandidate, precheck } from './probe';
import { timeoutOf, type DecodeOptions, type ExtractedFrame } from './types';

export interface ExtractFramesOptions extends DecodeOptions {
  /** Frames per second to sample (e.g. 5). */
  fps: number;
  /** Stop after this many frames. */
  maxFrames?: number;
  /** Scale so the longer side is at most this many pixels (never upscales). */
  maxSide?: number;
  /** Start time in seconds (default 0). */
  startSec?: number;
}

export async function* extractFrames(
  file: Blob,
  name: string,
  opts: ExtractFramesOptions,
): AsyncGenerator<ExtractedFrame> {
  if (!(opts.fps > 0)) throw new RangeError(`fps must be > 0, got ${opts.fps}`);
  const max = opts.maxFrames ?? Number.POSITIVE_INFINITY;
  if (max <= 0) return;
  const s = await precheck(file, name);
  const timeoutMs = timeoutOf(opts);

  if (s.kind === 'image') {
    const probe = await decodeImage(file, timeoutMs);
    const size = fitSize(probe.width, probe.height, opts.maxSide);
    probe.close();
    const image = await decodeImage(file, timeoutMs, {
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: 'medium',
    });
    yield { index: 0, timestampSec: 0, image };
    return;
  }

  if (nativeCandidate(s, opts)) {
    const nv = await openNative(file, timeoutMs).catch((e: unknown) => {
      if (e instanceof NativeFailure) return null;
      throw e;
    });
    if (nv) {
      try {
        const size = fitSize(nv.width, nv.height, opts.maxSide);
        const start = opts.startSec ?? 0;
        // Half a frame of slack so a 2.0 s clip at 5 fps gives 0.0 ... 1.8 (10 frames).
        const end = nv.durationSec - 0.5 / opts.fps;
        for (let i = 0; i < max; i++) {
          const t = start + i / opts.fps;
          if (t > end || t >= nv.durationSec) break;
          await seekNative(nv, t, timeoutMs);
          const image = await grabNative(nv, size);
          yield { index: i, timestampSec: Math.round(nv.video.currentTime * 1e6) / 1e6, image };
        }
        return;
      } finally {
        nv.close();
      }
    }
  }

  let given = 0;
  const container = webcodecsContainer(s, opts);
  if (container) {
    try {
      const wc = await import('./webcodecs');
      const frames = wc.webcodecsFrames(file, {
        container,
        fps: opts.fps,
        maxFrames: max,
        maxSide: opts.maxSide,
        timeoutMs,
      });
      for await (const f of frames) {
        yield f;
        given++;
      }
      return;
    } catch (e) {
      // Unsupported here (codec, fragmented or rotated file...) or a decoder error: ffmpeg.wasm
      // decodes it, and its frames already given are skipped (same frames, same order).
      lastWebCodecsFallback = e instanceof Error ? e.message : String(e);
    }
  }

  // ffmpeg.wasm gives all frames at once (one raw buffer); ImageBitmaps are made one at a
  // time as the caller asks, so a video never holds all its frames as bitmaps at once.
  const raw = await ffmpegFrames(file, name, opts, timeoutMs, s);
  const offset = opts.startSec ?? 0;
  for (let i = given; i < raw.count; i++) {
    const { width, height } = raw.size;
    const bytes = width * height * 4;
    const start = raw.data.byteOffset + i * bytes;
    const buffer = raw.data.buffer;
    const pixels =
      buffer instanceof ArrayBuffer
        ? new Uint8ClampedArray(buffer, start, bytes)
        : new Uint8ClampedArray(raw.data.subarray(i * bytes, (i + 1) * bytes));
    const image = await createImageBitmap(new ImageData(pixels, width, height));
    const pts = raw.infos[i]?.ptsTime ?? i / opts.fps;
    yield { index: i, timestampSec: Math.round((pts + offset) * 1e6) / 1e6, image };
  }
}

/** Why the last MP4/WebM that WebCodecs was tried on went to ffmpeg.wasm instead (for tests). */
export let lastWebCodecsFallback: string | null = null;

/**
 * MP4 or WebM/Matroska in a worker (no <video>) where WebCodecs exists: the container to
 * demux; null for everything else and for a start offset (thumbnails).
 */
function webcodecsContainer(
  s: Awaited<ReturnType<typeof precheck>>,
  opts: ExtractFramesOptions,
): 'mp4' | 'matroska' | null {
  if (opts.forceFfmpeg || s.kind !== 'video' || opts.startSec) return null;
  if (s.container !== 'mp4' && s.container !== 'matroska') return null;
  if (typeof VideoDecoder === 'undefined' || typeof EncodedVideoChunk === 'undefined') return null;
  return s.container;
}

interface RawFrames {
  /** `count` frames of size.width x size.height RGBA, one after the other. */
  data: Uint8Array;
  size: { width: number; height: number };
  count: number;
  infos: ReturnType<typeof parseShowinfo>;
}

async function ffmpegFrames(
  file: Blob,
  name: string,
  opts: ExtractFramesOptions,
  timeoutMs: number,
  s: Awaited<ReturnType<typeof precheck>>,
): Promise<RawFrames> {
  return withFfmpeg(file, name, timeoutMs, async (job) => {
    const info = await ffprobeJob(job, s);
    const size = fitSize(info.width, info.height, opts.maxSide);
    const out = job.output('frames.rgba');
    const limit =
      Number.isFinite(opts.maxFrames) && opts.maxFrames
        ? ['-frames:v', String(opts.maxFrames)]
        : [];
    const start = opts.startSec ? ['-ss', String(opts.startSec)] : [];
    const r = await job.exec([
      '-hide_banner',
      ...start,
      '-i',
      job.input,
      '-map',
      '0:v:0',
      '-vf',
      `fps=${opts.fps},scale=${size.width}:${size.height}:flags=bilinear,showinfo`,
      ...limit,
      '-pix_fmt',
      'rgba',
      '-f',
      'rawvideo',
      out,
    ]);
    let data: Uint8Array;
    try {
      data = await job.readFile(out);
    } catch {
      data = new Uint8Array(0);
    }
    const frameBytes = size.width * size.height * 4;
    const count = Math.floor(data.length / frameBytes);
    if (count === 0) throw ffmpegDecodeError(r.log, info.codec, true);
    return { data, size, count, infos: parseShowinfo(r.log) };
  });
}
