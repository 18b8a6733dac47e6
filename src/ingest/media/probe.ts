/**
 * probeMedia: what a file is (video or image), its size, duration and frame rate, and
 * whether it can be decoded at all. Order of checks:
 *   1. empty file -> 'zero-byte';
 *   2. content sniffing: text, or an image named like a video (or the reverse) -> 'wrong-extension';
 *   3. container size fields (MP4 boxes, Matroska Segment, AVI RIFF) -> 'truncated' / 'corrupt';
 *   4. decode the first frame: the browser for what it plays (main thread), else ffmpeg.wasm.
 *      Nothing decodes -> 'corrupt' (known container) or 'unsupported' (unknown codec/format).
 * Every decode has a timeout (mediaSettings.decodeTimeoutMs); running out means 'corrupt'.
 */
import { withFfmpeg, type FfmpegJob } from './ffmpeg';
import {
  classifyFailure,
  codecInLog,
  parseFfprobeJson,
  parseInputLog,
  type FfprobeVideo,
} from './ffmpegParse';
import { browserMayPlay, hasDom, measureFrameRate, NativeFailure, openNative } from './native';
import {
  checkStructure,
  extensionOf,
  isImageName,
  isVideoName,
  mp4FrameRate,
  readBlobRange,
  sniff,
  snapFrameRate,
  type Sniffed,
} from './sniff';
import { MediaDecodeError, timeoutOf, type DecodeOptions, type MediaProbe } from './types';

const CONTAINER_LABEL: Record<string, string> = {
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  gif: 'a GIF image',
  webp: 'a WebP image',
  bmp: 'a BMP image',
  mp4: 'an MP4/QuickTime video',
  matroska: 'a WebM/Matroska video',
  avi: 'an AVI video',
  flv: 'an FLV video',
};

/**
 * Checks that need no decoder: empty, disguised, truncated. Returns what the content is.
 * Exported for the other media functions, which all start here.
 */
export async function precheck(file: Blob, name: string): Promise<Sniffed> {
  if (file.size === 0) throw new MediaDecodeError('zero-byte', 'the file is empty (0 bytes)');
  const head = await readBlobRange(file, 0, 256);
  const s = sniff(head, name);
  const ext = extensionOf(name);
  const named = isVideoName(name) ? 'video' : isImageName(name) ? 'image' : null;
  if (s.kind === 'text') {
    throw new MediaDecodeError(
      'wrong-extension',
      `this ".${ext}" file is plain text, not ${named === 'image' ? 'an image' : 'a video'}`,
    );
  }
  if (named !== null && (s.kind === 'video' || s.kind === 'image') && s.kind !== named) {
    throw new MediaDecodeError(
      'wrong-extension',
      `this ".${ext}" file is really ${CONTAINER_LABEL[s.container] ?? `a ${s.kind}`}`,
    );
  }
  const structure = await checkStructure(s.container, file.size, (o, l) =>
    readBlobRange(file, o, l),
  );
  if (structure === 'truncated') {
    throw new MediaDecodeError(
      'truncated',
      `the file ends early: its header promises more data than the ${file.size} bytes present (an interrupted copy or download?)`,
    );
  }
  if (structure === 'garbage') {
    throw new MediaDecodeError(
      'corrupt',
      `could not decode: the file starts like ${CONTAINER_LABEL[s.container] ?? 'a video'} but its structure is damaged`,
    );
  }
  return s;
}

/** Containers worth trying in the browser first (it cannot open AVI, FLV, MPEG-TS...). */
export function nativeCandidate(s: Sniffed, opts?: DecodeOptions): boolean {
  if (opts?.forceFfmpeg || !hasDom() || s.kind !== 'video') return false;
  if (s.container !== 'mp4' && s.container !== 'matroska') return false;
  return browserMayPlay(s.mime);
}

export async function probeMedia(
  file: Blob,
  name: string,
  opts?: DecodeOptions,
): Promise<MediaProbe> {
  const s = await precheck(file, name);
  const timeoutMs = timeoutOf(opts);
  if (s.kind === 'image' || (s.kind === 'unknown' && isImageName(name))) {
    return probeImage(file, s, timeoutMs);
  }
  if (nativeCandidate(s, opts)) {
    try {
      return await probeNative(file, s, timeoutMs);
    } catch (e) {
      if (!(e instanceof NativeFailure)) throw e;
      // The browser refused it: ffmpeg.wasm decides whether it is damaged or just unusual.
    }
  }
  return withFfmpeg(file, name, timeoutMs, async (job) => {
    const info = await ffprobeJob(job, s);
    let decoder: MediaProbe['decoder'] = 'ffmpeg';
    try {
      await decodeCheck(job, s, info);
    } catch (e) {
      // ffmpeg.wasm has no decoder for the codec (AV1): where frames are extracted through
      // WebCodecs (workers), the browser's VideoDecoder may still take it.
      if (!(e instanceof MediaDecodeError && e.code === 'unsupported')) throw e;
      if (!(await browserDecodes(file, s, opts))) throw e;
      decoder = 'native';
    }
    return {
      kind: 'video' as const,
      mime: s.kind === 'unknown' ? mimeFromFormat(info.formatName) : s.mime,
      width: info.width,
      height: info.height,
      durationSec: info.durationSec,
      frameRate: info.frameRate,
      decoder,
    };
  });
}

/** MP4 / WebM whose track this browser's VideoDecoder takes (never with forceFfmpeg). */
async function browserDecodes(file: Blob, s: Sniffed, opts?: DecodeOptions): Promise<boolean> {
  if (opts?.forceFfmpeg || s.kind !== 'video') return false;
  if (s.container !== 'mp4' && s.container !== 'matroska') return false;
  const { webcodecsDecodes } = await import('./webcodecs');
  return webcodecsDecodes(file, s.container);
}

async function probeImage(file: Blob, s: Sniffed, timeoutMs: number): Promise<MediaProbe> {
  const bmp = await decodeImage(file, timeoutMs);
  const r: MediaProbe = {
    kind: 'image',
    mime: s.mime,
    width: bmp.width,
    height: bmp.height,
    durationSec: null,
    frameRate: null,
    decoder: 'native',
  };
  bmp.close();
  return r;
}

/** createImageBitmap with a timeout and our error codes (works in workers too). */
export async function decodeImage(
  file: Blob,
  timeoutMs: number,
  resize?: ImageBitmapOptions,
): Promise<ImageBitmap> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      createImageBitmap(file, resize ?? {}),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new MediaDecodeError('corrupt', 'could not decode: the image took too long'));
        }, timeoutMs);
      }),
    ]);
  } catch (e) {
    if (e instanceof MediaDecodeError) throw e;
    throw new MediaDecodeError('corrupt', "could not decode: the image's data is damaged");
  } finally {
    clearTimeout(timer);
  }
}

async function probeNative(file: Blob, s: Sniffed, timeoutMs: number): Promise<MediaProbe> {
  const nv = await openNative(file, timeoutMs);
  try {
    // MP4: exact, from the sample table. Others: watch a few frames play.
    const fromTable = s.container === 'mp4' ? await mp4FrameRate(file).catch(() => null) : null;
    const frameRate = fromTable !== null ? snapFrameRate(fromTable) : await measureFrameRate(nv);
    return {
      kind: 'video',
      mime: s.mime,
      width: nv.width,
      height: nv.height,
      durationSec: nv.durationSec,
      frameRate,
      decoder: 'native',
    };
  } finally {
    nv.close();
  }
}

function mimeFromFormat(f: string | null): string {
  if (!f) return 'application/octet-stream';
  if (f.includes('mp4')) return 'video/mp4';
  if (f.includes('matroska')) return 'video/x-matroska';
  if (f.includes('avi')) return 'video/x-msvideo';
  if (f.includes('flv')) return 'video/x-flv';
  if (f.includes('mpegts')) return 'video/mp2t';
  return `video/x-${f.split(',')[0] ?? 'unknown'}`;
}

/** Container and stream facts through ffprobe (falls back to parsing `-i`'s log). */
export async function ffprobeJob(job: FfmpegJob, s: Sniffed): Promise<FfprobeVideo> {
  const out = job.output('probe.json');
  const run = await job.ffprobe([
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'format=duration,format_name:stream=codec_name,width,height,avg_frame_rate,r_frame_rate,duration',
    '-of',
    'json',
    job.input,
    '-o',
    out,
  ]);
  let info = await job
    .readFile(out)
    .then((b) => parseFfprobeJson(new TextDecoder().decode(b)))
    .catch(() => null);
  if (!info) {
    const r = await job.exec(['-hide_banner', '-i', job.input]);
    info = { formatName: null, ...parseInputLog(r.log) };
  }
  if (info.formatName === null && !info.hasVideo) {
    // ffmpeg could not even open it.
    if (s.kind === 'video') {
      throw new MediaDecodeError(
        'corrupt',
        `could not decode: the file starts like ${CONTAINER_LABEL[s.container] ?? 'a video'} but its contents are damaged`,
      );
    }
    throw new MediaDecodeError(
      'unsupported',
      `not a video or image format the app can read (${lastLine(run.log)})`,
    );
  }
  if (!info.hasVideo) {
    throw new MediaDecodeError(
      'unsupported',
      `the file has no video stream (${info.formatName ?? 'unknown'} container)`,
    );
  }
  return info;
}

/** Decodes the first two frames (tiny, grey) to prove the stream is readable. */
async function decodeCheck(job: FfmpegJob, s: Sniffed, info: FfprobeVideo): Promise<void> {
  const out = job.output('check.gray');
  const r = await job.exec([
    '-hide_banner',
    '-v',
    'error',
    '-i',
    job.input,
    '-map',
    '0:v:0',
    '-frames:v',
    '2',
    '-vf',
    'scale=16:16',
    '-pix_fmt',
    'gray',
    '-f',
    'rawvideo',
    out,
  ]);
  const bytes = await job
    .readFile(out)
    .then((b) => b.length)
    .catch(() => 0);
  if (bytes >= 256) return;
  throw ffmpegDecodeError(r.log, info.codec, s.kind === 'video');
}

/** Why ffmpeg.wasm decoded no frame, from its log: a codec it lacks, or damage. */
export function ffmpegDecodeError(
  log: readonly string[],
  codec: string | null,
  isVideo: boolean,
): MediaDecodeError {
  if (classifyFailure(log) === 'unsupported-codec') {
    return new MediaDecodeError(
      'unsupported',
      `cannot decode ${codecInLog(log) ?? codec ?? 'unknown'} video: neither this browser nor ffmpeg.wasm has a decoder for it`,
    );
  }
  return new MediaDecodeError(
    'corrupt',
    `could not decode: the file's video stream is damaged${isVideo ? '' : ' or not a video'}`,
  );
}

function lastLine(log: readonly string[]): string {
  return log.filter((l) => l.trim() !== '' && !l.startsWith('Aborted')).at(-1) ?? 'no details';
}
