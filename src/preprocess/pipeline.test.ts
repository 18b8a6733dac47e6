import { describe, expect, it } from 'vitest';
import { validatePreprocessConfig, configHash } from './config';
import { SMALL_FACE_EYE_DISTANCE } from './smallFaces';
import {
  alignedCropPlan,
  detectSize,
  evenlySpread,
  planFrame,
  processAlignedGrey,
  processFrames,
  sampleSchedule,
  scaleFaces,
  summariseItem,
  type DecodedFrame,
  type Encoder,
  type PipelineDeps,
} from './pipeline';
import { applyAffine } from './steps/affine';
import type { FaceResult, Point, RgbaImage } from './types';

const config = validatePreprocessConfig({ crop: { size: 32 }, illumination: { method: 'none' } });

function face(x: number, y: number, side: number, tiltDeg = 0): FaceResult {
  const c = { x: x + side / 2, y: y + side / 2 };
  const t = (tiltDeg * Math.PI) / 180;
  // Eyes 0.4 * side apart around a point above the centre; tilt rotates them on screen.
  const half = 0.2 * side;
  const eye = (s: number): Point => ({
    x: c.x + s * half * Math.cos(t),
    y: c.y - 0.1 * side - s * half * Math.sin(t),
  });
  return {
    box: { x, y, width: side, height: side },
    score: 0.9,
    keypoints: {
      rightEye: eye(-1),
      leftEye: eye(1),
      noseTip: c,
      mouthCenter: { x: c.x, y: c.y + 0.25 * side },
      rightEarTragion: { x: x, y: c.y },
      leftEarTragion: { x: x + side, y: c.y },
    },
    landmarks: null,
  };
}

function grey(width: number, height: number, v = 100): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4).fill(v);
  return { width, height, data };
}

/** A fake encoder: a Blob whose size is the mean of the crop's red channel (so content counts). */
const encode: Encoder = (img, cfg) => {
  let sum = 0;
  for (let i = 0; i < img.data.length; i += 4) sum += img.data[i] ?? 0;
  const n = Math.round(sum / (img.width * img.height));
  return Promise.resolve(new Blob([new Uint8Array(n)], { type: `image/${cfg.format}` }));
};

function near(a: Point, b: Point, tol = 1e-6): void {
  expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeLessThan(tol);
}

describe('planFrame', () => {
  it('chooses the largest face and maps its eyes onto the eyes-crop targets', () => {
    const faces = [face(0, 0, 20), face(40, 30, 60, 10), face(10, 60, 30)];
    const r = planFrame(faces, config.crop);
    if (!r.ok) throw new Error(r.reason);
    expect(r.plan.chosen).toBe(1);
    const s = config.crop.size;
    near(applyAffine(r.plan.affines.eyes, r.plan.keypoints.rightEye), { x: 0.2 * s, y: 0.6 * s });
    near(applyAffine(r.plan.affines.eyes, r.plan.keypoints.leftEye), { x: 0.8 * s, y: 0.6 * s });
    // The levelling angle undoes the 10 degree tilt.
    expect(r.plan.angleDeg).toBeCloseTo(-10, 6);
  });

  it('drops a frame without faces, and one whose eyes coincide', () => {
    expect(planFrame([], config.crop)).toEqual({ ok: false, reason: 'no-face' });
    const f = face(0, 0, 40);
    f.keypoints.leftEye = f.keypoints.rightEye;
    expect(planFrame([f], config.crop)).toMatchObject({ ok: false, reason: 'no-landmarks' });
  });
});

describe('processFrames', () => {
  it('keeps frames with a face, counts drops by reason and numbers sampled frames', async () => {
    const frames: DecodedFrame<RgbaImage>[] = [
      { timestampSec: 0, image: grey(120, 90) },
      { timestampSec: 0.1, image: grey(120, 90) },
      { timestampSec: 0.2, image: null, error: 'bad frame' },
      { timestampSec: 0.3, image: grey(120, 90, 200) },
    ];
    const found = [[face(30, 20, 50)], [], [], [face(30, 20, 50), face(0, 0, 10)]];
    // detect is not called for the undecodable frame 2.
    const detectOrder = [0, 1, 3];
    let call = 0;
    const released: number[] = [];
    const progress: number[] = [];
    const deps: PipelineDeps<RgbaImage> = {
      pixels: (img) => img,
      detect: () => Promise.resolve(found[detectOrder[call++] ?? -1] ?? []),
      encode,
      release: (img) => released.push(img.width),
      onFrame: (n) => progress.push(n),
    };
    const r = await processFrames('item', frames, config, deps, { sampleFps: 10 });
    expect(r.frames.map((f) => f.record.frameIndex)).toEqual([0, 3]);
    expect(r.samples.map((s) => s.dropped)).toEqual([null, 'no-face', 'decode-error', null]);
    expect(r.dropped).toEqual({ 'no-face': 1, 'no-landmarks': 0, 'decode-error': 1 });
    expect(r.samples[3]?.faces).toHaveLength(2);
    expect(r.frames[1]?.record.chosen).toBe(0);
    expect(r.frames[1]?.record.faces).toHaveLength(2);
    expect(released).toHaveLength(3);
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(r.sampleFps).toBe(10);
    // Crops are encoded from the frame's pixels: a brighter frame gives bigger fake blobs.
    const f0 = r.frames[0];
    const f1 = r.frames[1];
    if (!f0 || !f1) throw new Error('missing frames');
    expect(f0.crops.face.size).toBe(100);
    expect(f1.crops.face.size).toBe(200);
    expect(f0.crops.eyes.type).toBe('image/webp');
    expect(f0.record.lightnessBefore).toBeGreaterThan(0);
    const s = summariseItem(r, { minFramesPerVideo: 3 }, true);
    expect(s).toEqual({
      kept: 2,
      sampled: 4,
      dropped: r.dropped,
      tooFewFrames: true,
    });
  });

  it('stops between frames when cancelled', async () => {
    let n = 0;
    const deps: PipelineDeps<RgbaImage> = {
      pixels: (img) => img,
      detect: () => Promise.resolve([]),
      encode,
      cancelled: () => ++n > 2,
    };
    const frames = Array.from({ length: 5 }, (_, i) => ({
      timestampSec: i,
      image: grey(8, 8),
    }));
    await expect(processFrames('x', frames, config, deps)).rejects.toThrow('cancelled');
  });

  it('encodes a frame while the next is detected, and keeps the frames in order', async () => {
    const events: string[] = [];
    const waiting: (() => void)[] = [];
    // The encoder finishes only when the test lets it: the next frame's detection must not wait.
    // The crop's centre pixel (inside the face, so the frame's grey level).
    const centre = (img: RgbaImage): number =>
      img.data[4 * (img.width * (img.height >> 1) + (img.width >> 1))] ?? 0;
    const slowEncode: Encoder = (img, cfg) => {
      events.push(`encode ${centre(img)}`);
      return new Promise((resolve) => {
        waiting.push(() => {
          resolve(new Blob([new Uint8Array(centre(img))], { type: `image/${cfg.format}` }));
        });
      });
    };
    const frames = [10, 20, 30].map((v, i) => ({ timestampSec: i, image: grey(80, 80, v) }));
    const deps: PipelineDeps<RgbaImage> = {
      pixels: (img) => img,
      detect: (img) => {
        events.push(`detect ${img.data[0] ?? 0}`);
        // Let the encodings started so far finish a little later.
        const release = waiting.splice(0);
        setTimeout(() => {
          release.forEach((f) => {
            f();
          });
        }, 5);
        return Promise.resolve([face(10, 10, 50)]);
      },
      encode: slowEncode,
    };
    const timer = setInterval(() => {
      waiting.splice(0).forEach((f) => {
        f();
      });
    }, 20);
    try {
      const r = await processFrames('item', frames, config, deps);
      expect(r.frames.map((f) => f.record.frameIndex)).toEqual([0, 1, 2]);
      expect(r.frames.map((f) => f.crops.face.size)).toEqual([10, 20, 30]);
    } finally {
      clearInterval(timer);
    }
    // Frame 1 is detected before frame 0's encoding has finished.
    expect(events.indexOf('detect 20')).toBeLessThan(events.indexOf('encode 20'));
    expect(events.slice(0, 5)).toEqual([
      'detect 10',
      'encode 10',
      'encode 10',
      'encode 10',
      'detect 20',
    ]);
  });

  it("fails the item with the encoder's error", async () => {
    const deps: PipelineDeps<RgbaImage> = {
      pixels: (img) => img,
      detect: () => Promise.resolve([face(10, 10, 50)]),
      encode: () => Promise.reject(new Error('encoder broke')),
    };
    const frames = [0, 1].map((i) => ({ timestampSec: i, image: grey(80, 80) }));
    await expect(processFrames('x', frames, config, deps)).rejects.toThrow('encoder broke');
  });

  it('cuts crops with the given warper and size instead of the pixels', async () => {
    const cuts: number[] = [];
    const deps: PipelineDeps<{ id: number }> = {
      size: () => ({ width: 640, height: 360 }),
      warper: (image) => (m, size) => {
        cuts.push(image.id);
        expect(m).toHaveLength(6);
        return grey(size, size, 50 + image.id);
      },
      detect: () => Promise.resolve([face(100, 100, 120)]),
      encode,
    };
    const r = await processFrames('w', [{ timestampSec: 0, image: { id: 7 } }], config, deps);
    expect(cuts).toEqual([7, 7, 7]);
    expect(r.sourceWidth).toBe(640);
    expect(r.frames[0]?.record.sourceHeight).toBe(360);
    expect(r.frames[0]?.crops.mouth.size).toBe(57);
  });

  it('keeps a frame whose eyes are closer than SMALL_FACE_EYE_DISTANCE but notes it', async () => {
    // face() puts the eyes 0.4 * side apart: 14.4 px and 16 px.
    const sides = [36, 40];
    const deps: PipelineDeps<{ side: number }> = {
      size: () => ({ width: 640, height: 360 }),
      warper: () => (_m, size) => grey(size, size),
      detect: (image) => Promise.resolve([face(100, 100, image.side)]),
      encode,
    };
    const frames = sides.map((side, i) => ({ timestampSec: i, image: { side } }));
    const r = await processFrames('s', frames, config, deps);
    expect(r.frames).toHaveLength(2);
    expect(r.samples.map((x) => x.note)).toEqual([
      `small face (eyes 14 px apart): landmarks are unreliable below ${SMALL_FACE_EYE_DISTANCE} px (a face of about 40 px)`,
      undefined,
    ]);
    expect(r.samples.map((x) => x.smallFace)).toEqual([true, undefined]);
  });
});

describe('aligned grey crops (FER2013)', () => {
  it('maps the nominal keypoints onto the crop targets and splits the face in halves', async () => {
    const plan = alignedCropPlan(48, 48, config.crop);
    const s = config.crop.size;
    near(applyAffine(plan.affines.eyes, plan.keypoints.rightEye), { x: 0.2 * s, y: 0.6 * s });
    near(applyAffine(plan.affines.eyes, plan.keypoints.leftEye), { x: 0.8 * s, y: 0.6 * s });
    const mr = plan.keypoints.mouthRight;
    if (!mr) throw new Error('no mouth corner');
    near(applyAffine(plan.affines.mouth, mr), {
      x: config.crop.mouthTarget.right.x * s,
      y: config.crop.mouthTarget.right.y * s,
    });
    near(applyAffine(plan.affines.eyes, { x: 0, y: 24 }), { x: 0, y: s });
    near(applyAffine(plan.affines.mouth, { x: 48, y: 24 }), { x: s, y: 0 });
    // Top half dark, bottom half bright: the eyes crop is dark, the mouth crop bright.
    const px = new Uint8Array(48 * 48);
    px.fill(40, 0, 48 * 24);
    px.fill(220, 48 * 24);
    const r = await processAlignedGrey('fer:1', px, 48, 48, config, encode);
    expect(r.frames).toHaveLength(1);
    // (The row at the seam is blended bilinearly, hence the tolerance.)
    expect(Math.abs((r.frames[0]?.crops.eyes.size ?? 0) - 40)).toBeLessThanOrEqual(4);
    expect(Math.abs((r.frames[0]?.crops.mouth.size ?? 0) - 220)).toBeLessThanOrEqual(4);
    expect(Math.abs((r.frames[0]?.crops.face.size ?? 0) - 130)).toBeLessThanOrEqual(2);
  });
});

describe('sampling and scaling', () => {
  it('spreads long videos evenly and keeps short ones at cfg.fps', () => {
    const cfg = { fps: 10, maxFramesPerVideo: 64 };
    expect(sampleSchedule(2, cfg)).toEqual({ fps: 10, maxFrames: 64, expected: 20 });
    expect(sampleSchedule(32, cfg)).toEqual({ fps: 2, maxFrames: 64, expected: 64 });
    expect(sampleSchedule(null, cfg)).toEqual({ fps: 10, maxFrames: 64, expected: null });
    expect(evenlySpread(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenlySpread(10, 4)).toEqual([0, 3, 6, 9]);
    expect(evenlySpread(10, 1)).toEqual([0]);
  });

  it('detects on a downscaled copy and maps faces back to source pixels', () => {
    expect(detectSize(1280, 720, 640)).toEqual({ width: 640, height: 360, scale: 2 });
    expect(detectSize(320, 240, 640)).toEqual({ width: 320, height: 240, scale: 1 });
    const f = { ...face(10, 20, 30), landmarks: [{ x: 1, y: 2, z: 3 }] };
    const [g] = scaleFaces([f], 2);
    expect(g?.box).toEqual({ x: 20, y: 40, width: 60, height: 60 });
    expect(g?.keypoints.noseTip).toEqual({ x: 50, y: 70 });
    expect(g?.landmarks).toEqual([{ x: 2, y: 4, z: 6 }]);
  });

  it('fingerprints configs: equal settings, equal hash; any change, another', () => {
    const a = validatePreprocessConfig();
    const b = validatePreprocessConfig({ fps: 10 });
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(configHash(validatePreprocessConfig({ encode: { quality: 0.7 } }))).not.toBe(
      configHash(a),
    );
    expect(() => validatePreprocessConfig({ fps: 0 })).toThrow(RangeError);
    expect(() => validatePreprocessConfig({ crop: { size: 7 } })).toThrow(/crop.size/);
    expect(() =>
      validatePreprocessConfig({ minFramesPerVideo: 100, maxFramesPerVideo: 10 }),
    ).toThrow(RangeError);
  });

  it('minTileScore: checked; its default leaves the hash as before the field, so stored items stay current', () => {
    const a = validatePreprocessConfig();
    expect(a.minTileScore).toBe(0.7);
    const before: Partial<typeof a> = { ...a };
    delete before.minTileScore;
    expect(configHash(a)).toBe(configHash(before as typeof a));
    expect(configHash(validatePreprocessConfig({ minTileScore: 0.5 }))).not.toBe(configHash(a));
    expect(() => validatePreprocessConfig({ minTileScore: 1.5 })).toThrow(/minTileScore/);
  });
});
