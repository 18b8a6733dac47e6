/** Pure parsers for what ffmpeg.wasm prints; kept apart so they can be unit-tested. */

export interface FfprobeVideo {
  formatName: string | null;
  durationSec: number | null;
  hasVideo: boolean;
  codec: string | null;
  width: number;
  height: number;
  frameRate: number | null;
}

interface FfprobeJson {
  streams?: {
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
  }[];
  format?: { format_name?: string; duration?: string };
}

/** "30000/1001" -> 29.97; "0/0" -> null. */
export function parseRate(r: string | undefined): number | null {
  if (!r) return null;
  const [n, d] = r.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n) || n <= 0) return null;
  const den = d === undefined ? 1 : d;
  if (!Number.isFinite(den) || den <= 0) return null;
  return n / den;
}

function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const x = Number(s);
  return Number.isFinite(x) && x >= 0 ? x : null;
}

/** Parses `ffprobe -of json -show_entries format=...:stream=...` output (null if not JSON). */
export function parseFfprobeJson(text: string): FfprobeVideo | null {
  let j: FfprobeJson;
  try {
    j = JSON.parse(text) as FfprobeJson;
  } catch {
    return null;
  }
  const s = j.streams?.[0];
  return {
    formatName: j.format?.format_name ?? null,
    durationSec: num(j.format?.duration) ?? num(s?.duration),
    hasVideo: s !== undefined && (s.width ?? 0) > 0,
    codec: s?.codec_name ?? null,
    width: s?.width ?? 0,
    height: s?.height ?? 0,
    frameRate: parseRate(s?.avg_frame_rate) ?? parseRate(s?.r_frame_rate),
  };
}

/** Fallback when there is no ffprobe: the "Duration: 00:00:01.60" and stream lines of `-i`. */
export function parseInputLog(log: readonly string[]): Omit<FfprobeVideo, 'formatName'> {
  let durationSec: number | null = null;
  let codec: string | null = null;
  let width = 0;
  let height = 0;
  let frameRate: number | null = null;
  for (const line of log) {
    const d = /Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line);
    if (d) durationSec = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
    const v = /Stream #\d+:\d+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})/.exec(line);
    if (v && width === 0) {
      codec = v[1] ?? null;
      width = Number(v[2]);
      height = Number(v[3]);
      const f = /([\d.]+) fps/.exec(line) ?? /([\d.]+) tbr/.exec(line);
      frameRate = f ? Number(f[1]) : null;
    }
  }
  return { durationSec, hasVideo: width > 0, codec, width, height, frameRate };
}

export interface ShowinfoFrame {
  n: number;
  ptsTime: number;
  width: number;
  height: number;
}

/** Lines of the showinfo filter: "n:   3 pts:  15360 pts_time:0.6 ... s:96x72 ...". */
export function parseShowinfo(log: readonly string[]): ShowinfoFrame[] {
  const out: ShowinfoFrame[] = [];
  for (const line of log) {
    const m = /\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:(-?[\d.e+-]+)/.exec(line);
    if (!m) continue;
    const s = /\bs:(\d+)x(\d+)/.exec(line);
    out.push({
      n: Number(m[1]),
      ptsTime: Number(m[2]),
      width: s ? Number(s[1]) : 0,
      height: s ? Number(s[2]) : 0,
    });
  }
  return out;
}

export type FfmpegFailure = 'unsupported-codec' | 'not-media' | 'damaged';

/** Reads an ffmpeg log for why nothing decoded. */
export function classifyFailure(log: readonly string[]): FfmpegFailure {
  const text = log.join('\n');
  if (
    /hardware accelerated|Decoder \(codec [^)]*\) not found|Unsupported codec|no decoder|Could not find codec parameters/i.test(
      text,
    )
  )
    return 'unsupported-codec';
  if (
    /Invalid data found when processing input|could not find corresponding|Unknown format/i.test(
      text,
    )
  )
    return 'not-media';
  return 'damaged';
}

/** The codec name a log line complains about, for messages ("av1"). */
export function codecInLog(log: readonly string[]): string | null {
  for (const line of log) {
    const m = /^\[(\w+) @/.exec(line);
    if (m?.[1] && /hardware accelerated|Failed to get pixel format/.test(line)) return m[1];
  }
  return null;
}
