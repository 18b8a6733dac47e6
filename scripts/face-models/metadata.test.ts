import { describe, expect, it } from 'vitest';
import { buildImageMetadata, readImageMetadata } from './metadata';

describe('buildImageMetadata', () => {
  it('writes an M001 ModelMetadata whose input carries NormalizationOptions and RGB', () => {
    const bytes = buildImageMetadata({
      name: 'test_model',
      description: 'd',
      version: '1',
      author: 'a',
      license: 'Apache-2.0',
      input: { name: 'input', description: 'img', mean: [127.5], std: [127.5] },
    });
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('M001');
    expect(readImageMetadata(bytes)).toEqual({
      name: 'test_model',
      mean: [127.5],
      std: [127.5],
      colorSpace: 1,
    });
  });
});
