import { BACKENDS, LAYOUTS } from './api';
import type { CommandName } from './args';

const GLOBAL = `Options for every command:
  --profile DIR        browser profile holding the app's stored data
                       (default: $FER_PROFILE, else ~/.fer-workbench/profile)
  --json               print one JSON document on stdout
  --verbose, -v        pass the app's console errors and page errors to stderr
  --dist DIR           the built app to serve (default: the repository's dist/)
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
  help [command]     show help

${GLOBAL}`;
}
