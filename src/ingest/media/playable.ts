/**
 * playableUrl: a URL the dataset browser's <video> can play. Files the browser decodes get
 * their own blob URL; the rest (AVI/Xvid...) are transcoded by ffmpeg.wasm to H.264 (libx264,
 * ultrafast, yuv420p, even dimensions, moov first) in MP4, which every Chrome plays, with
 * the first audio track as AAC. The caller revokes the URL when done.
 */
import { withFfmpeg } from './ffmpeg';
import { probeMedia } from './probe';
import { mediaSettings, MediaDecodeError, type DecodeOptions } from './types';

export interface PlayableUrl {
  url: string;
  transcoded: boolean;
}

/** Extra transcode time allowed per second of video, on top of the decode timeout. */
export const TRANSCODE_MS_PER_SECOND = 3000;

export async function playableUrl(
  file: Blob,
  name: string,
  opts?: DecodeOptions,
): Promise<PlayableUrl> {
  const p = await probeMedia(file, name, opts);
  if (p.decoder === 'native' || p.kind === 'image') {
    return { url: URL.createObjectURL(file), transcoded: false };
  }
  const timeoutMs =
    (opts?.timeoutMs ?? mediaSettings.decodeTimeoutMs) +
    (p.durationSec ?? 0) * TRANSCODE_MS_PER_SECOND;
  const mp4 = await withFfmpeg(file, name, timeoutMs, async (job) => {
    const out = job.output('playable.mp4');
    const r = await job.exec([
      '-hide_banner',
      '-v',
      'error',
      '-i',
      job.input,
      '-map',
      '0:v:0',
      '-map',
      '0:a:0?',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-vf',
      'scale=trunc(iw/2)*2:trunc(ih/2)*2',
      '-c:a',
      'aac',
      '-movflags',
      '+faststart',
      out,
    ]);
    try {
      return await job.readFile(out);
    } catch {
      throw new MediaDecodeError(
        'corrupt',
        `could not convert the video for playback (${r.log.at(-1) ?? 'no details'})`,
      );
    }
  });
  return {
    url: URL.createObjectURL(new Blob([mp4 as BlobPart], { type: 'video/mp4' })),
    transcoded: true,
  };
}
