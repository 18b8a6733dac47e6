import { BACKENDS, LAYOUTS } from './api';
import type { CommandName } from './args';

const GLOBAL = `Options for every command:
  --profile DIR        browser profile holding the app's stored data
                       (default: $FER_PROFILE, else ~/.fer-workbench/profile)
  --json               print one JSON document on stdout
  --verbose, -v        pass the app's console errors and page errors to stderr
  --dist DIR           the built app to serve (default: the repository's dist-automation/)
  --build              build the app first, even if the build looks current
  --no-build           never build (fail if DIR has no build)
  --gpu                launch Chromium for a real GPU (Vulkan, no blocklist)
  --backend NAME       try this compute backend first: ${BACKENDS.join(', ')}
  --startup-timeout S  seconds to wait for the app to start (default 120)
  --help, -h           this help

Exit codes: 0 ok, 1 the app reported a failure, 2 the command could not run
(usage error, missing path, no usable build or browser).
`;

const TOPICS: Record<Exclude<CommandName, 'help'>, string> = {
  ingest: `npm run cli -- ingest <path...> [--layout KIND] [--name NAME] [--dry-run]

Imports datasets into the profile. Each folder becomes one dataset; all the files given
(not folders) together make one more (e.g. fer2013.csv fer2013new.csv).
  --layout KIND  auto (default: the app detects it) or one of:
                 ${LAYOUTS.join(', ')}
  --name NAME    the dataset's name (only when the paths make one dataset)
  --dry-run      plan and report only; store nothing
Exits 1 if any dataset failed: every file rejected, or storing stopped (e.g. disk full).
`,
  datasets: `npm run cli -- datasets

Lists the datasets stored in the profile, and the storage used.
`,
  'generate-demo': `npm run cli -- generate-demo [--seed N] [--counts SPEC] [--faces DIR] [--name NAME]

Generates the synthetic demo dataset in the app (deterministic for a seed) and stores it
as a new dataset. Synthetic: for trying the workbench, no substitute for real data.
  --seed N        the seed (default 1); the same seed gives the same bytes
  --counts SPEC   any of train=N (clips per class), val=N (per class), pool=N (unlabelled
                  clips in all), frames=N (per clip), size=N (pixels), comma-separated;
                  default train=6,val=3,pool=168,frames=10,size=160
  --faces DIR     base photos (jpg/png/webp, one frontal face each) instead of the shipped one
  --name NAME     the dataset's name (default "Demo (synthetic)")
See docs/demo-dataset.md.
`,
  preprocess: `npm run cli -- preprocess <dataset> [--fps N] [--max-frames N]
    [--illumination clahe|gamma|none] [--crop-size N] [--tiled-detection auto|always|off]
    [--min-tile-score S] [--workers N] [--redo changed|failed|all]

Preprocesses a stored dataset (by id or exact name) in the app's workers: samples frames,
finds the face, aligns it and stores face, eyes and mouth crops per kept frame; mines clips
in unlabelled datasets. Items already done with the same settings are skipped, so a second
run is a no-op and an interrupted run resumes.
  --fps N            frames sampled per second of video (default 10)
  --max-frames N     at most N frames per video, spread over all of it (default 64)
  --illumination M   clahe (default), gamma or none
  --crop-size N      crop side in pixels (default 224)
  --tiled-detection M  small faces: auto (default: tiles when the whole frame shows no face or
                     only small ones), always, off
  --min-tile-score S a face only a tile found needs this score, 0-1 (default 0.7)
  --workers N        preprocessing workers, 1-16 (default: half the cores, 1-4)
  --redo MODE        changed (default: new or made with other settings), failed, all
Progress (items, frames/s, ETA) goes to stderr. Exits 1 when the run stops (e.g. storage
full) or every item failed. See docs/preprocess-engine.md.
`,
  'preprocess-media': `npm run cli -- preprocess-media <file...> --out DIR [--fps N] [--max-frames N]
    [--illumination clahe|gamma|none] [--crop-size N] [--tiled-detection auto|always|off]
    [--min-tile-score S] [--workers N]

Runs the same pipeline on loose images and videos (nothing is stored in the app) and writes
DIR/<file-stem>/<frameIndex>_{face,eyes,mouth}.webp for every kept frame, plus
DIR/result.json: per file and sampled frame every face found, the chosen one, keypoints,
the rotation, the source->crop affines and why a frame was dropped (--json prints it too).
Exits 1 when a file could not be processed (e.g. it does not decode).
`,
  experiment: `npm run cli -- experiment <experiment.json> --out DIR

Runs a whole experiment headlessly: gets the data (generates the demo dataset, or uses a
stored one), preprocesses it, then trains every run the file lists (teacher, noisy-student
iterations, evaluation), one after another, on the app's backend. Writes DIR/runs/<name>.json
(each run record), DIR/summary.json and DIR/summary.md (one table row per run; means and
spreads over seeds). Shipped files: experiments/*.json. See docs/experiments.md.
Exits 1 when a run failed.
  --runtime node-webgpu  train in Node on WebGPU (Dawn) instead of the browser, from
                         frames exported with export-frames; for GPU servers (docs/cli.md)
  --frames DIR           that export (or a folder of exports); needs --runtime node-webgpu
  --kernels MODE         auto (default: fused on WebGPU), tfjs (stock ops) or fused; each run
                         records the kernels it used (docs/backends.md, "Kernel modes")
`,
  runs: `npm run cli -- runs

Lists the stored runs (newest first) with each evaluated phase's validation and test
accuracy and macro-F1, as the Compare tab shows them; * marks the phase that is best on
validation (what export and predict take by default).
`,
  export: `npm run cli -- export <run> --out DIR [--phase N]

Writes what the Export panel downloads for a run (by id or exact name): the phase's weights
in the documented format (DIR/weights/model.json + shards, docs/weights-format.md), the
predictions CSV, the pseudo-labels CSV (when a phase made pseudo-labels) and the one-file
HTML report (without the page's charts).
  --phase N   the phase index (see runs); default: the best on validation
`,
  predict: `npm run cli -- predict <run|weights-dir> <media...> [--phase N] [--frames N]

Preprocesses each image or video and predicts it, as the Inference tab does: class
probabilities, frame weights and region weights per file; a file without a usable face gets
the preprocessing note instead (exit 1). The model is a stored run's phase (default: best on
validation) or a folder of exported weights (model.json + shards, e.g. from export).
  --phase N   the run's phase index
  --frames N  frames per clip (default: the run's; 8 for a weights folder)
  --kernels MODE  auto (default: fused on WebGPU), tfjs (stock ops) or fused
`,
  evaluate: `npm run cli -- evaluate <run|weights-dir> <dataset> [--phase N] [--split S]

Cross-corpus evaluation: the model on a stored, preprocessed dataset's clips of one split
(classes matched by name), in the app's inference worker. Prints accuracy, macro-F1,
per-class recall (n/a for classes the split lacks) and the confusion matrix, and stores them
as an evaluation record the Results tab shows beside the run's own numbers.
  --phase N      the run's phase index (default: the best on validation)
  --split S      test | validation | train | all (default: test when the dataset has a test
                 split, else validation; the run's seeded split rule when it has neither)
  --frames N     frames per clip for a weights folder (default 8)
  --classes a,b  a weights folder's class names in output order (default: the canonical seven)
  --kernels MODE auto (default: fused on WebGPU), tfjs (stock ops) or fused
Exits 2 for an unknown run, dataset, phase or split, or a class the model does not know.
`,
  'export-frames': `npm run cli -- export-frames <dataset> --size S --out DIR

Writes a preprocessed dataset's training clips (as the training loader lists them) and their
frames, decoded by the training data's decoder at S x S (the model's input size: 48 tiny,
224 full), as DIR/manifest.json + DIR/frames-NNN.bin, for experiment --runtime node-webgpu
on a machine without a browser. Format: docs/cli.md, "Frames folders".
`,
  'import-run': `npm run cli -- import-run <DIR/store/RUN-seedN.v8>

Stores a finished run trained by experiment --runtime node-webgpu (its record and phase
models, from the experiment's DIR/store/) into the profile, for runs, export, predict and
the app's Results and Compare tabs.
`,
  delete: `npm run cli -- delete <id...>

Deletes datasets (ids as 'datasets' prints them) from the profile.
`,
};

export function helpText(topic: CommandName | null): string {
  if (topic !== null && topic !== 'help') return `${TOPICS[topic]}\n${GLOBAL}`;
  return `FER Workbench headless runner: drives the built app in headless Chromium.

Usage: npm run cli -- <command> [options]

Commands:
  ingest <path...>   import dataset folders or files
  datasets           list stored datasets
  delete <id...>     delete stored datasets
  generate-demo      generate and store the synthetic demo dataset
  preprocess <ds>    preprocess a stored dataset (face, eyes, mouth crops)
  preprocess-media <file...> --out DIR
                     preprocess loose images/videos into crop files + JSON
  experiment <file> --out DIR
                     generate/preprocess data, train and evaluate runs, write a summary
  runs               list stored runs with val/test accuracy per phase
  export <run> --out DIR
                     write a run's weights, predictions, pseudo-labels and report
  predict <run|weights-dir> <media...>
                     class probabilities, frame and region weights per file
  evaluate <run|weights-dir> <dataset>
                     accuracy, macro-F1, recall, confusion on a stored dataset
  export-frames <ds> --size S --out DIR
                     a dataset's clips and decoded frames as files (Node training)
  import-run <file>  store a run trained in Node into the profile
  help [command]     show help

${GLOBAL}`;
}
