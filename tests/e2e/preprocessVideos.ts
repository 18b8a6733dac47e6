/**
 * The preprocessing e2e videos (preprocess*.spec.ts, preprocess-reload.spec.ts): one definition,
 * made once into the same folder by tests/e2e/ffmpeg.ts makeVideos.
 */
import { fixturePath } from './fixtures';

export const ASTRONAUT = 'tests/fixtures/faces/astronaut.png';
export const DIR = fixturePath('preprocess');

/** name -> ffmpeg arguments after `-y`. All 3 s at 25 fps, H.264 in MP4. */
export const VIDEOS: Record<string, string[]> = {
  // The face (about 145 px in a 480x360 frame) turning +-4.6 degrees and panning 80 px.
  'one-face.mp4': [
    '-loop',
    '1',
    '-framerate',
    '25',
    '-t',
    '3',
    '-i',
    ASTRONAUT,
    '-vf',
    "crop=256:256:97:0,scale=360:360,pad=600:440:120:40:color=gray,rotate='0.08*sin(PI*t)':fillcolor=gray,crop=480:360:'60+40*sin(PI*t)':40,format=yuv420p",
  ],
  // The astronaut twice side by side (faces of about 120 px).
  'two-faces.mp4': [
    '-loop',
    '1',
    '-framerate',
    '25',
    '-t',
    '3',
    '-i',
    ASTRONAUT,
    '-filter_complex',
    '[0]crop=256:256:97:0,scale=300:300,split[a][b];[a][b]hstack,pad=640:360:20:30:color=gray,format=yuv420p',
  ],
  // A plain colour.
  'no-face.mp4': [
    '-f',
    'lavfi',
    '-i',
    'color=c=0x4080a0:s=480x360:r=25:d=3',
    '-vf',
    'format=yuv420p',
  ],
  // The whole astronaut at 256 px in a 1280x720 frame: a face of about 50 px (0.3% of the area).
  'small-face.mp4': [
    '-loop',
    '1',
    '-framerate',
    '25',
    '-t',
    '3',
    '-i',
    ASTRONAUT,
    '-vf',
    'scale=256:256,pad=1280:720:512:232:color=gray,format=yuv420p',
  ],
  // The benchmark clip: 640x360, 4 s, the face panning (about 200 px).
  'astronaut360.mp4': [
    '-loop',
    '1',
    '-framerate',
    '25',
    '-t',
    '4',
    '-i',
    ASTRONAUT,
    '-vf',
    "crop=320:320:65:0,scale=400:400,pad=760:420:180:10:color=gray,crop=640:360:'60+50*sin(PI*t/2)':30,format=yuv420p",
  ],
};
