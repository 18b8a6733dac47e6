import { describe, expect, it } from 'vitest';
import { classFolderOf, detectLayout, isJunkPath, naturalCompare, splitFromPath } from './detect';

describe('path helpers', () => {
  it('recognises OS clutter', () => {
    expect(isJunkPath('AFEW/.DS_Store')).toBe(true);
    expect(isJunkPath('AFEW/Train/Thumbs.db')).toBe(true);
    expect(isJunkPath('__MACOSX/AFEW/._a.avi')).toBe(true);
    expect(isJunkPath('AFEW/.git/config')).toBe(true);
    expect(isJunkPath('AFEW/Train/Angry/a.avi')).toBe(false);
  });

  it('finds the split and the class folder', () => {
    expect(splitFromPath('AFEW/Train_AFEW/Angry/a.avi')).toBe('train');
    expect(splitFromPath('AFEW/Val_AFEW/Angry/a.avi')).toBe('val');
    expect(splitFromPath('data/test/x.png')).toBe('test');
    expect(splitFromPath('data/Angry/x.png')).toBeUndefined();
    expect(classFolderOf('AFEW/Train_AFEW/Angry/a.avi')).toBe('Angry');
    expect(classFolderOf('AFEW/Test_AFEW/a.avi')).toBeNull();
    expect(classFolderOf('clips/a.mp4')).toBeNull();
    expect(classFolderOf('Angry/a.mp4')).toBe('Angry');
    expect(classFolderOf('a.mp4')).toBeNull();
    expect(classFolderOf('set/Bored/a.mp4')).toBe('Bored');
  });

  it('sorts names naturally', () => {
    expect(['f10.png', 'f2.png', 'f1.png'].sort(naturalCompare)).toEqual([
      'f1.png',
      'f2.png',
      'f10.png',
    ]);
  });
});

describe('detectLayout', () => {
  it('detects AFEW with split folders', () => {
    const r = detectLayout([
      'AFEW/Train_AFEW/Angry/000101.avi',
      'AFEW/Train_AFEW/Happy/000201.avi',
      'AFEW/Val_AFEW/Angry/010101.avi',
      'AFEW/.DS_Store',
    ]);
    expect(r.layout).toBe('afew');
    expect(r.reason).toBe(
      'found 3 videos in 2 class folders (Angry, Happy; 2 known), splits train/val',
    );
  });

  it('detects CK+ by folder name or by frame names', () => {
    const r = detectLayout([
      'CK+/cohn-kanade-images/S005/001/S005_001_00000001.png',
      'CK+/cohn-kanade-images/S005/001/S005_001_00000002.png',
      'CK+/cohn-kanade-images/S010/002/S010_002_00000001.png',
      'CK+/Emotion/S005/001/S005_001_00000002_emotion.txt',
    ]);
    expect(r).toEqual({
      layout: 'ckplus',
      reason: 'found 3 CK+ frames in 2 sequences and 1 emotion label file',
    });
    expect(detectLayout(['x/S005/001/S005_001_00000001.png']).layout).toBe('ckplus');
  });

  it('detects FERPlus from fer2013.csv', () => {
    expect(detectLayout(['FER/fer2013.csv']).reason).toBe(
      'found FER/fer2013.csv: labels are the FER2013 emotion codes',
    );
    const r = detectLayout(['FER/fer2013.csv', 'FER/fer2013new.csv']);
    expect(r.layout).toBe('ferplus-csv');
    expect(r.reason).toBe(
      'found FER/fer2013.csv with FERPlus votes (fer2013new.csv): labels are the vote winners',
    );
  });

  it('detects image class folders, and loose images as unlabelled', () => {
    expect(detectLayout(['faces/train/happy/1.jpg', 'faces/train/sad/2.jpg']).layout).toBe(
      'image-folders',
    );
    const r = detectLayout(['faces/1.jpg', 'faces/2.jpg']);
    expect(r).toEqual({
      layout: 'image-folders',
      reason: 'found 2 images without class folders: they will be unlabelled',
    });
  });

  it('detects loose videos as unlabelled', () => {
    expect(detectLayout(['bold/clip_a.mp4', 'bold/x/clip_b.mp4'])).toEqual({
      layout: 'unlabelled-video',
      reason: 'found 2 videos without class folders: they will be unlabelled',
    });
  });

  it('detects a manifest from its header, or a single CSV when headers are unknown', () => {
    const paths = ['set/labels.csv', 'set/a.mp4', 'set/b.mp4'];
    expect(detectLayout(paths).layout).toBe('manifest');
    expect(
      detectLayout(paths, { csvHeaders: { 'set/labels.csv': ['Path', 'Label'] } }).layout,
    ).toBe('manifest');
    expect(detectLayout(paths, { csvHeaders: { 'set/labels.csv': ['id', 'score'] } }).layout).toBe(
      'unlabelled-video',
    );
  });

  it('returns null with a reason when nothing fits', () => {
    expect(detectLayout(['.DS_Store'])).toEqual({
      layout: null,
      reason: 'no files (hidden files are skipped)',
    });
    expect(detectLayout(['a/readme.txt', 'a/b.doc']).layout).toBeNull();
    expect(detectLayout(['a/other.csv']).reason).toBe(
      'found 1 CSV file but no fer2013.csv and no media files',
    );
  });
});
