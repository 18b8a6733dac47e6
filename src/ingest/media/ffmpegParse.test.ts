import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  codecInLog,
  parseFfprobeJson,
  parseInputLog,
  parseRate,
  parseShowinfo,
} from './ffmpegParse';

describe('ffmpeg output parsers', () => {
  it('parses ffprobe JSON', () => {
    const j = JSON.stringify({
      streams: [
        { codec_name: 'mpeg4', width: 96, height: 72, avg_frame_rate: '25/1', duration: '1.6' },
      ],
      format: { format_name: 'avi', duration: '1.600000' },
    });
    expect(parseFfprobeJson(j)).toEqual({
      formatName: 'avi',
      durationSec: 1.6,
      hasVideo: true,
      codec: 'mpeg4',
      width: 96,
      height: 72,
      frameRate: 25,
    });
    expect(parseFfprobeJson('{\n\n}')?.hasVideo).toBe(false);
    expect(parseFfprobeJson('not json')).toBeNull();
  });

  it('parses rates', () => {
    expect(parseRate('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseRate('0/0')).toBeNull();
  });

  it('parses the -i banner', () => {
    const log = [
      "Input #0, avi, from 'in.avi':",
      '  Duration: 00:01:02.50, start: 0.000000, bitrate: 76 kb/s',
      '  Stream #0:0: Video: mpeg4 (Simple Profile) (XVID / 0x44495658), yuv420p, 720x576 [SAR 1:1 DAR 5:4], 25 fps, 25 tbr, 25 tbn',
    ];
    expect(parseInputLog(log)).toEqual({
      durationSec: 62.5,
      hasVideo: true,
      codec: 'mpeg4',
      width: 720,
      height: 576,
      frameRate: 25,
    });
  });

  it('parses showinfo frames', () => {
    const log = [
      '[Parsed_showinfo_2 @ 0x1] n:   0 pts:      0 pts_time:0       duration:1 fmt:rgba s:64x48 i:P',
      '[Parsed_showinfo_2 @ 0x1] n:   1 pts:      1 pts_time:0.2     duration:1 fmt:rgba s:64x48 i:P',
      '[Parsed_showinfo_2 @ 0x1] config in time_base: 1/5, frame_rate: 5/1',
    ];
    expect(parseShowinfo(log)).toEqual([
      { n: 0, ptsTime: 0, width: 64, height: 48 },
      { n: 1, ptsTime: 0.2, width: 64, height: 48 },
    ]);
  });

  it('tells a missing decoder from damage', () => {
    const av1 = [
      "[av1 @ 0xdf6940] Your platform doesn't suppport hardware accelerated AV1 decoding.",
      '[av1 @ 0xdf6940] Failed to get pixel format.',
    ];
    expect(classifyFailure(av1)).toBe('unsupported-codec');
    expect(codecInLog(av1)).toBe('av1');
    expect(classifyFailure(['[h264 @ 0x1] Invalid NAL unit size (1226020080 > 2113).'])).toBe(
      'damaged',
    );
    expect(classifyFailure(['in: Invalid data found when processing input'])).toBe('not-media');
  });
});
