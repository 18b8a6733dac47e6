// Node-side (needs the system ffmpeg and node: modules, hence here rather than beside the
// source, whose tsconfig has no Node types).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebCodecsUnsupported } from '../../src/ingest/media/mp4Demux';
import { demuxWebm } from '../../src/ingest/media/webmDemux';

// demuxWebm on small files the system ffmpeg makes (tests/fixtures/webm.ts has the e2e ones).
const FFMPEG = process.env.FFMPEG ?? '/usr/bin/ffmpeg';
let dir = '';

function make(name: string, codec: string[], seconds: number, fps: number): Blob {
  const out = join(dir, name);
  execFileSync(FFMPEG, [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-threads', '1', '-f', 'lavfi'],
    ...['-i', `testsrc2=size=64x48:rate=${fps}`, '-t', String(seconds), '-pix_fmt', 'yuv420p'],
    ...codec,
    out,
  ]);
  return new Blob([readFileSync(out)]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'webm-demux-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('demuxWebm', () => {
  it('gives a VP9 track: decoder config, every frame in ms, keyframes where ffmpeg put them', async () => {
    const blob = make('vp9.webm', ['-c:v', 'libvpx-vp9', '-g', '12', '-cpu-used', '8'], 2, 24);
    const t = await demuxWebm(blob);
    try {
      expect(t.config.codec).toMatch(/^vp09\./);
      expect([t.config.codedWidth, t.config.codedHeight]).toEqual([64, 48]);
      expect(t.timescale).toBe(1000);
      expect(t.samples).toHaveLength(48);
      expect(t.samples.filter((s) => s.isSync).length).toBe(4);
      expect(t.samples.every((s, i) => i === 0 || s.cts > (t.samples[i - 1]?.cts ?? 0))).toBe(true);
      // Reading: in order, then a jump forward to a keyframe.
      expect((await t.read(0)).length).toBeGreaterThan(0);
      expect((await t.read(1)).length).toBeGreaterThan(0);
      expect((await t.read(24)).length).toBeGreaterThan(0);
    } finally {
      t.close();
    }
  });

  it('refuses a codec WebCodecs cannot take (MPEG-4 part 2 in Matroska), saying so', async () => {
    const blob = make('mpeg4.mkv', ['-c:v', 'mpeg4'], 0.5, 10);
    const err = await demuxWebm(blob).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebCodecsUnsupported);
    expect(String(err)).toMatch(/codec/);
  });

  it('refuses a WebM whose frames end long before its header says (damaged clusters)', async () => {
    const bytes = new Uint8Array(
      await make('vp8.webm', ['-c:v', 'libvpx', '-auto-alt-ref', '0'], 2, 25).arrayBuffer(),
    );
    const cluster = bytes.findIndex(
      (b, i) =>
        b === 0x1f && bytes[i + 1] === 0x43 && bytes[i + 2] === 0xb6 && bytes[i + 3] === 0x75,
    );
    expect(cluster).toBeGreaterThan(0);
    for (let i = cluster + 64; i < bytes.length; i++) bytes[i] = (i * 151) & 0xff;
    const err = await demuxWebm(new Blob([bytes])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebCodecsUnsupported);
    expect(String(err)).toMatch(/frames end at .*damaged/);
  });
});
