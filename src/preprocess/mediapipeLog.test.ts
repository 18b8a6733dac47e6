import { describe, expect, it } from 'vitest';
import { isMediaPipeInfo, quietMediaPipeInfo } from './mediapipeLog';

const XNNPACK = 'INFO: Created TensorFlow Lite XNNPACK delegate for CPU.';

describe("MediaPipe's info lines (issue 17 item 13)", () => {
  it('recognises the XNNPACK delegate line and nothing else', () => {
    expect(isMediaPipeInfo([XNNPACK])).toBe(true);
    expect(isMediaPipeInfo(['INFO: Created TensorFlow Lite XNNPACK delegate for CPU'])).toBe(true);
    expect(isMediaPipeInfo(['E0000 face_detector.cc:12] Model file not found'])).toBe(false);
    expect(isMediaPipeInfo([`${XNNPACK} and then it failed`])).toBe(false);
    expect(isMediaPipeInfo([XNNPACK, new Error('x')])).toBe(false);
  });

  it('routes them to console.debug, passes real errors through, and installs once', () => {
    const seen: { level: string; args: unknown[] }[] = [];
    const fake = {
      error: (...args: unknown[]) => seen.push({ level: 'error', args }),
      debug: (...args: unknown[]) => seen.push({ level: 'debug', args }),
    };
    quietMediaPipeInfo(fake);
    quietMediaPipeInfo(fake);
    for (let i = 0; i < 7; i++) fake.error(XNNPACK);
    fake.error('Graph failed', 42);
    expect(seen.filter((s) => s.level === 'error')).toEqual([
      { level: 'error', args: ['Graph failed', 42] },
    ]);
    expect(seen.filter((s) => s.level === 'debug')).toHaveLength(7);
  });
});
