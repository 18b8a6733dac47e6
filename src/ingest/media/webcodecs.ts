/**
 * Sampled frames of an MP4 or a WebM through WebCodecs' VideoDecoder (the browser's own, native
 * decoder), for where there is no <video> element (workers): about as cheap as decoding gets
 * in a browser, against ffmpeg.wasm, which decodes and converts every frame to RGBA in
 * WebAssembly to sample some of them.
 *
 * Same frames and timestamps as the ffmpeg.wasm path (frameSelect.ts): output frame i is at
 * t = i / fps. Coded frames are fed from the keyframe before each needed frame (a group of
 * pictures with no sampled frame in it is skipped), and only sampled frames become
 * ImageBitmaps; the rest are closed as they come out of the decoder. Decoding runs only as far
 * ahead of the caller as the decoder needs, so a slow consumer holds few frames.
 *
 * Throws WebCodecsUnsupported for what it cannot take (the caller then uses ffmpeg.wasm).
 */
import type { CodedTrack } from './codedTrack';
import { fitSize } from './fitSize';
import { selectFrames } from './frameSelect';
import { demuxMp4, WebCodecsUnsupported } from './mp4Demux';
import type { ExtractedFrame } from './types';

export { WebCodecsUnsupported } from './mp4Demux';

/** Counters for tests and benchmarks. */
export const webcodecsStats = { videos: 0, decodedFrames: 0, keptFrames: 0 };

export interface WebCodecsOptions {
  /** The container (sniffed): MP4 through mp4box, WebM/Matroska through mediabunny. */
  container: 'mp4' | 'matroska';
  fps: number;
  maxFrames?: number;
  maxSide?: number;
  timeoutMs: number;
}

/** a[i], which the caller knows is there. */
function at<T>(a: readonly T[], i: number): T {
  const v = a[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range`);
  return v;
}

/** Chunks allowed to wait in the decoder's queue before we wait for it. */
const QUEUE_AHEAD = 4;

export function webcodecsAvailable(): boolean {
  return typeof VideoDecoder !== 'undefined' && typeof EncodedVideoChunk !== 'undefined';
}

/** Frame data of an MP4 is read from the Blob a stretch at a time. */
const READ_STRETCH = 4 * 1024 * 1024;

/** An MP4's first video track (mp4box), its frames read by byte range. */
async function mp4Track(file: Blob): Promise<CodedTrack> {
  const track = await demuxMp4(file);
  let bytes: Uint8Array | null = null;
  let bytesFrom = 0;
  const read = async (d: number): Promise<Uint8Array> => {
    const s = at(track.samples, d);
    if (!bytes || s.offset < bytesFrom || s.offset + s.size > bytesFrom + bytes.length) {
      bytesFrom = s.offset;
      const len = Math.max(s.size, READ_STRETCH);
      bytes = new Uint8Array(await file.slice(s.offset, s.offset + len).arrayBuffer());
      if (bytes.length < s.size) throw new Error('coded frame lies past the end of the file');
    }
    return bytes.subarray(s.offset - bytesFrom, s.offset - bytesFrom + s.size);
  };
  return {
    config: {
      codec: track.codec,
      codedWidth: track.codedWidth,
      codedHeight: track.codedHeight,
      ...(track.description ? { description: track.description } : {}),
    },
    timescale: track.timescale,
    samples: track.samples,
    read,
    close: () => undefined,
  };
}

async function demux(file: Blob, container: WebCodecsOptions['container']): Promise<CodedTrack> {
  if (container === 'mp4') return mp4Track(file);
  const { demuxWebm } = await import('./webmDemux');
  return demuxWebm(file);
}

/** The track's decoder config if this browser's VideoDecoder takes it, else unsupported. */
async function checkConfig(config: VideoDecoderConfig): Promise<VideoDecoderConfig> {
  const support = await VideoDecoder.isConfigSupported(config).catch(() => null);
  if (!support?.supported) {
    throw new WebCodecsUnsupported(`this browser's VideoDecoder does not take ${config.codec}`);
  }
  return config;
}

/**
 * A frame's pixels as sRGB RGBA, converted by the browser in this process (VideoFrame.copyTo),
 * not through createImageBitmap(VideoFrame), which measured slower here.
 */
async function toImageData(frame: VideoFrame): Promise<ImageData> {
  const rect = frame.visibleRect;
  const width = rect?.width ?? frame.codedWidth;
  const height = rect?.height ?? frame.codedHeight;
  const rgba = new Uint8ClampedArray(width * height * 4);
  await frame.copyTo(rgba, { format: 'RGBA', colorSpace: 'srgb' });
  return new ImageData(rgba, width, height);
}

/**
 * Whether this browser's VideoDecoder takes the file's video track (demuxed, config checked,
 * nothing decoded): the probe asks when ffmpeg.wasm has no decoder for the codec (AV1).
 */
export async function webcodecsDecodes(
  file: Blob,
  container: WebCodecsOptions['container'],
): Promise<boolean> {
  if (!webcodecsAvailable()) return false;
  try {
    const track = await demux(file, container);
    try {
      await checkConfig(track.config);
      return track.samples.length > 0;
    } finally {
      track.close();
    }
  } catch {
    return false;
  }
}

export async function* webcodecsFrames(
  file: Blob,
  opts: WebCodecsOptions,
): AsyncGenerator<ExtractedFrame> {
  if (!webcodecsAvailable()) throw new WebCodecsUnsupported('no WebCodecs here');
  const track = await demux(file, opts.container);
  try {
    yield* decodeTrack(track, await checkConfig(track.config), opts);
  } finally {
    track.close();
  }
}

async function* decodeTrack(
  track: CodedTrack,
  config: VideoDecoderConfig,
  opts: WebCodecsOptions,
): AsyncGenerator<ExtractedFrame> {
  const { samples, timescale } = track;

  // Presentation order: rank r is the r-th frame shown; times from the first frame shown.
  const order = samples.map((_, i) => i).sort((a, b) => at(samples, a).cts - at(samples, b).cts);
  const rankOf = new Array<number>(samples.length);
  order.forEach((s, r) => (rankOf[s] = r));
  const base = at(samples, at(order, 0)).cts;
  const times = order.map((s) => (at(samples, s).cts - base) / timescale);
  const end = Math.max(...samples.map((s) => s.cts + s.duration - base)) / timescale;
  const picks = selectFrames(times, end, opts.fps, opts.maxFrames);
  if (picks.length === 0) return;

  // Output frames wanting each rank; the decode positions to feed (whole GOPs that hold a
  // needed frame, from their keyframe, up to the last needed frame).
  const wanted = new Map<number, number[]>();
  picks.forEach((rank, i) => wanted.set(rank, [...(wanted.get(rank) ?? []), i]));
  const feed: number[] = [];
  {
    let gopStart = 0;
    let lastNeeded = -1;
    const gopNeeded = (from: number, to: number) => {
      for (let d = from; d < to; d++) if (wanted.has(at(rankOf, d))) return true;
      return false;
    };
    for (let d = 0; d < samples.length; d++) if (wanted.has(at(rankOf, d))) lastNeeded = d;
    for (let d = 1; d <= samples.length; d++) {
      if (d === samples.length || at(samples, d).isSync) {
        if (gopNeeded(gopStart, d)) {
          for (let j = gopStart; j < d && j <= lastNeeded; j++) feed.push(j);
        }
        gopStart = d;
      }
    }
  }

  let size: { width: number; height: number } | null = null;
  const ready = new Map<number, Promise<ImageBitmap>>();
  const state: { failure: Error | null } = { failure: null };
  const failure = (): Error | null => state.failure;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const decoder = new VideoDecoder({
    output: (frame) => {
      webcodecsStats.decodedFrames++;
      const outs = wanted.get(frame.timestamp);
      if (!outs) {
        frame.close();
        return;
      }
      const fit = (size ??= fitSize(
        frame.visibleRect?.width ?? frame.displayWidth,
        frame.visibleRect?.height ?? frame.displayHeight,
        opts.maxSide,
      ));
      const pixels = toImageData(frame);
      void pixels.finally(() => frame.close());
      for (const i of outs) {
        ready.set(
          i,
          pixels.then((img) =>
            img.width === fit.width && img.height === fit.height
              ? createImageBitmap(img)
              : createImageBitmap(img, {
                  resizeWidth: fit.width,
                  resizeHeight: fit.height,
                  resizeQuality: 'medium',
                }),
          ),
        );
      }
      poke();
    },
    error: (e) => {
      state.failure = e instanceof Error ? e : new Error(String(e));
      poke();
    },
  });
  decoder.addEventListener('dequeue', poke);
  decoder.configure(config);
  webcodecsStats.videos++;

  const deadline = performance.now() + opts.timeoutMs;
  let fed = 0;
  let flushing: Promise<void> | null = null;
  const waitForSomething = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  try {
    for (let i = 0; i < picks.length; i++) {
      while (!ready.has(i)) {
        const failed = failure();
        if (failed) throw failed;
        if (performance.now() > deadline) throw new Error('WebCodecs decode timed out');
        if (fed < feed.length && decoder.decodeQueueSize < QUEUE_AHEAD) {
          const d = at(feed, fed);
          const s = at(samples, d);
          const data = await track.read(d);
          decoder.decode(
            new EncodedVideoChunk({
              // Feeding starts at keyframes only (whole GOPs are skipped or fed).
              type: s.isSync ? 'key' : 'delta',
              timestamp: at(rankOf, d),
              duration: 1,
              data,
            }),
          );
          fed++;
          continue;
        }
        if (fed < feed.length) {
          await waitForSomething(250);
          continue;
        }
        // Everything needed was fed: flush, after which every output has been delivered.
        flushing ??= decoder.flush().then(poke, (e: unknown) => {
          state.failure ??= e instanceof Error ? e : new Error(String(e));
        });
        await flushing;
        const failedFlush = failure();
        if (failedFlush) throw failedFlush;
        if (!ready.has(i)) throw new Error(`frame ${i} never came out of the decoder`);
      }
      const p = ready.get(i);
      ready.delete(i);
      if (!p) continue;
      const image = await p;
      webcodecsStats.keptFrames++;
      yield { index: i, timestampSec: Math.round((i / opts.fps) * 1e6) / 1e6, image };
    }
  } finally {
    if (decoder.state !== 'closed') decoder.close();
    for (const p of ready.values())
      void p.then(
        (b) => b.close(),
        () => undefined,
      );
  }
}
