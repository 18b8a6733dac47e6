/**
 * The browser's own decoder through an off-DOM HTMLVideoElement (main thread only; workers
 * have no DOM and use ffmpeg.wasm). Every wait has a timeout and every element is released.
 */
import { snapFrameRate } from './sniff';
import { MediaDecodeError } from './types';

/** True where HTMLVideoElement exists (not in workers). */
export function hasDom(): boolean {
  return typeof document !== 'undefined' && typeof HTMLVideoElement !== 'undefined';
}

/** Whether the browser says it may play this MIME type at all. */
export function browserMayPlay(mime: string): boolean {
  if (!hasDom()) return false;
  return document.createElement('video').canPlayType(mime) !== '';
}

export class NativeFailure extends Error {
  override readonly name = 'NativeFailure';
  constructor(
    message: string,
    readonly mediaErrorCode: number | null,
  ) {
    super(message);
  }
}

export interface NativeVideo {
  video: HTMLVideoElement;
  width: number;
  height: number;
  durationSec: number;
  close: () => void;
}

function timeoutError(ms: number): MediaDecodeError {
  return new MediaDecodeError(
    'corrupt',
    `could not decode: the browser gave no picture within ${Math.round(ms / 1000)} s (the file is probably damaged)`,
  );
}

/** Waits for one of `ok` events, rejecting on 'error' or after `ms`. */
function waitFor(v: HTMLVideoElement, ok: string[], ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const e of ok) v.removeEventListener(e, onOk);
      v.removeEventListener('error', onErr);
    };
    const onOk = (): void => {
      done();
      resolve();
    };
    const onErr = (): void => {
      done();
      const err = v.error;
      reject(new NativeFailure(err?.message || 'media error', err?.code ?? null));
    };
    const timer = setTimeout(() => {
      done();
      reject(timeoutError(ms));
    }, ms);
    for (const e of ok) v.addEventListener(e, onOk);
    v.addEventListener('error', onErr);
  });
}

/**
 * Opens a video and waits until its first frame is decoded ('loadeddata'), so a file whose
 * header is fine but whose stream is damaged fails here, not later.
 */
export async function openNative(file: Blob, timeoutMs: number): Promise<NativeVideo> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  const close = (): void => {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  };
  try {
    const ready = waitFor(video, ['loadeddata'], timeoutMs);
    video.src = url;
    await ready;
    let durationSec = video.duration;
    if (!Number.isFinite(durationSec)) {
      // WebM written live has no duration in its header: seeking far makes Chrome find it.
      const found = waitFor(video, ['durationchange', 'seeked'], timeoutMs);
      video.currentTime = 1e7;
      await found;
      durationSec = video.duration;
      video.currentTime = 0;
    }
    if (video.videoWidth === 0 || video.videoHeight === 0)
      throw new NativeFailure('no video track', null);
    return { video, width: video.videoWidth, height: video.videoHeight, durationSec, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** Seeks to `t` and waits until that frame can be drawn. */
export async function seekNative(nv: NativeVideo, t: number, timeoutMs: number): Promise<void> {
  const v = nv.video;
  if (Math.abs(v.currentTime - t) < 1e-6 && v.readyState >= 2 && !v.seeking) return;
  const done = waitFor(v, ['seeked'], timeoutMs);
  v.currentTime = t;
  await done;
  // 'seeked' can arrive before the frame is decodable (readyState 1): wait for the picture.
  if (v.readyState < 2) await waitFor(v, ['loadeddata', 'canplay', 'timeupdate'], timeoutMs);
}

/**
 * Copies the current frame. Chrome occasionally reports "the image source is not usable"
 * right after a seek; a few short retries get the frame.
 */
export async function grabNative(
  nv: NativeVideo,
  size: { width: number; height: number },
): Promise<ImageBitmap> {
  let last: unknown = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await createImageBitmap(nv.video, {
        resizeWidth: size.width,
        resizeHeight: size.height,
        resizeQuality: 'medium',
      });
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
  throw new NativeFailure(
    `could not copy a decoded frame: ${last instanceof Error ? last.message : String(last)}`,
    null,
  );
}

/**
 * Frame rate from the browser, by playing a few frames and reading their media times
 * (requestVideoFrameCallback). Null when the browser cannot tell within `ms`.
 */
export async function measureFrameRate(nv: NativeVideo, ms = 1500): Promise<number | null> {
  const v = nv.video;
  if (typeof v.requestVideoFrameCallback !== 'function') return null;
  const times: number[] = [];
  const result = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      resolve(null);
    }, ms);
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
      times.push(meta.mediaTime);
      if (times.length >= 6) {
        clearTimeout(timer);
        resolve(bestStep(times));
        return;
      }
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
    v.play().catch(() => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  v.pause();
  return result;
}

/** The smallest positive step between media times (frames can be skipped, never halved). */
function bestStep(times: number[]): number | null {
  let step = Infinity;
  for (let i = 1; i < times.length; i++) {
    const d = (times[i] ?? 0) - (times[i - 1] ?? 0);
    if (d > 1e-4 && d < step) step = d;
  }
  if (!Number.isFinite(step)) return null;
  return snapFrameRate(1 / step);
}
