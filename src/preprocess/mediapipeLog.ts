/**
 * MediaPipe's known info lines, kept out of the error console.
 *
 * tasks-vision's wasm prints through console.error whatever the C++ side logs, including
 * TensorFlow Lite's start-up line "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
 * once per task created (7 red lines on a first preprocessing run: issue 17 item 13). Those
 * lines go to console.debug instead (shown with the browser's "Verbose" level); everything
 * else MediaPipe prints stays an error. Installed once per worker, where MediaPipe runs
 * (loadFaceDetector / loadFaceLandmarker in ./faceModels.ts).
 */

/** Lines MediaPipe prints through console.error that are information, not errors. */
export const MEDIAPIPE_INFO_LINES: readonly RegExp[] = [
  /^INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.?\s*$/,
];

/** Whether a console.error call is one of MediaPipe's known info lines. */
export function isMediaPipeInfo(args: readonly unknown[]): boolean {
  const [first] = args;
  return (
    args.length === 1 &&
    typeof first === 'string' &&
    MEDIAPIPE_INFO_LINES.some((re) => re.test(first))
  );
}

type Log = (...args: unknown[]) => void;
interface ConsoleLike {
  error: Log;
  debug: Log;
}

const installed = new WeakSet<ConsoleLike>();

/** Routes MediaPipe's known info lines from console.error to console.debug (once per console). */
export function quietMediaPipeInfo(target: ConsoleLike = console): void {
  if (installed.has(target)) return;
  installed.add(target);
  const error = target.error.bind(target);
  target.error = (...args: unknown[]): void => {
    if (isMediaPipeInfo(args)) target.debug(...args);
    else error(...args);
  };
}
