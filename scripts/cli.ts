/**
 * The headless runner: `npm run cli -- <command> [options]`. It serves the built app on
 * 127.0.0.1, opens it in headless Chromium with a persistent profile (so IndexedDB data
 * survives between commands) and drives it through the app's test API (`window.__fer`),
 * so a script or a GPU server runs exactly the code the UI runs. See docs/cli.md.
 */
import type { BackendInfo, CliFerMethod } from './lib/api';
import { CliError, EXIT, parseCli, type ExitCode, type ParsedCommand } from './lib/args';
import { openApp, pageErrorMessage, type AppSession } from './lib/browser';
import { AUTOMATION_DIST, buildReason, REPO_ROOT, runBuild } from './lib/build';
import { groupIngestPaths, runIngest } from './lib/ingest';
import { runDatasets, runDelete, runGenerateDemo, type CommandOutcome } from './lib/commands';
import { readExperiment, runExperiment } from './lib/experiment';
import { helpText } from './lib/help';
import { runExport, runRuns } from './lib/runs';
import { runPredict } from './lib/predict';
import { runEvaluate } from './lib/evaluate';
import {
  nodeExperimentOptions,
  runExportFrames,
  runImportRun,
  runNodeExperiment,
} from './lib/frames/commands';
import { runPreprocessCommand } from './lib/preprocess';
import { resolveMediaFiles, runPreprocessMedia } from './lib/preprocessMedia';

/** The envelope of every --json document. */
interface JsonEnvelope {
  command: string;
  ok: boolean;
  exitCode: ExitCode;
  /** Set when the command failed as a whole (usage error, app could not start...). */
  error: string | null;
  profile: string | null;
  backend: BackendInfo | null;
  startupSec: number | null;
}

const REQUIRED: Record<Exclude<ParsedCommand['command'], 'help'>, CliFerMethod[]> = {
  ingest: ['planFromTestInput', 'commitPlan'],
  datasets: ['listDatasets', 'storage'],
  delete: ['listDatasets', 'deleteDataset'],
  'generate-demo': ['listDatasets'],
  preprocess: ['listDatasets'],
  'preprocess-media': [],
  experiment: ['listDatasets'],
  runs: [],
  export: [],
  predict: [],
  evaluate: ['listDatasets'],
  'export-frames': ['listDatasets'],
  'import-run': [],
};

/** Set by a command that must end the process itself (the Node runtime: Dawn keeps it alive). */
const exitWhenDone = { yes: false };

function commandName(argv: readonly string[]): string {
  return argv.find((a) => !a.startsWith('-')) ?? 'help';
}

function printJson(doc: object): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

async function run(argv: readonly string[]): Promise<ExitCode> {
  const wantsJson = argv.includes('--json');
  let parsed: ParsedCommand;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    return fail(e, { command: commandName(argv), json: wantsJson, profile: null });
  }
  if (parsed.command === 'help') {
    process.stdout.write(helpText(parsed.topic));
    return EXIT.ok;
  }
  const { global } = parsed;
  // Progress goes to stderr in every mode: stdout carries only the result (or the JSON).
  const note = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  let session: AppSession | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: closing the browser so the profile stays usable...\n`);
    const done = (): never => process.exit(130);
    if (session) void session.close().finally(done);
    else done();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Paths and experiment files are checked before anything starts, so a typo costs no build
    // or browser.
    const groups =
      parsed.command === 'ingest'
        ? await groupIngestPaths(parsed.ingest.paths, parsed.ingest.name)
        : [];
    if (parsed.command === 'preprocess-media') await resolveMediaFiles(parsed.media.files);
    if (parsed.command === 'predict') await resolveMediaFiles(parsed.predict.files);
    if (parsed.command === 'experiment') await readExperiment(parsed.experiment.config);
    // The Node runtime trains without the app's build or a browser (scripts/lib/frames).
    if (parsed.command === 'experiment' && parsed.experiment.runtime === 'node-webgpu') {
      // Dawn keeps Node's event loop alive: exit once the result is written (as bench:model does).
      exitWhenDone.yes = true;
      const outcome = await runNodeExperiment(
        { ...(await nodeExperimentOptions(parsed.experiment)), kernels: global.kernels ?? 'auto' },
        note,
      );
      if (global.json)
        printJson({
          command: parsed.command,
          ok: outcome.exitCode === EXIT.ok,
          exitCode: outcome.exitCode,
          error: null,
          profile: null,
          backend: null,
          startupSec: null,
          ...outcome.json,
        } satisfies JsonEnvelope);
      else process.stdout.write(`${outcome.text}\n`);
      return outcome.exitCode;
    }
    const distDir = global.dist ?? AUTOMATION_DIST;
    const reason =
      global.build === 'never'
        ? null
        : await buildReason(distDir, REPO_ROOT, global.build === 'always');
    if (reason !== null) {
      note(
        reason === 'forced'
          ? `Building the app into ${distDir} ...`
          : `Building the app into ${distDir} (${reason === 'missing' ? 'no build there yet' : 'sources are newer'}) ...`,
      );
      await runBuild(distDir, global.verbose);
    } else if (global.build === 'never') {
      const missing = await buildReason(distDir, REPO_ROOT);
      if (missing === 'missing')
        throw new CliError(`No build in ${distDir} and --no-build was given.`, EXIT.usage);
    }
    session = await openApp({
      distDir,
      profile: global.profile,
      gpu: global.gpu,
      backend: global.backend,
      kernels: global.kernels,
      verbose: global.verbose,
      startupTimeoutSec: global.startupTimeoutSec,
      requiredMethods: REQUIRED[parsed.command],
    });
    if (global.verbose)
      process.stderr.write(
        `App ready in ${session.startupSec.toFixed(2)} s on backend ${session.backend?.name ?? '?'} ` +
          `(profile ${global.profile})\n`,
      );
    let outcome: CommandOutcome<object>;
    switch (parsed.command) {
      case 'ingest':
        outcome = await runIngest(session, groups, parsed.ingest, note);
        break;
      case 'datasets':
        outcome = await runDatasets(session);
        break;
      case 'delete':
        outcome = await runDelete(session, parsed.ids);
        break;
      case 'generate-demo':
        outcome = await runGenerateDemo(session, parsed.demo, note);
        break;
      case 'preprocess':
        outcome = await runPreprocessCommand(session, parsed.preprocess, note);
        break;
      case 'preprocess-media':
        outcome = await runPreprocessMedia(session, parsed.media, note);
        break;
      case 'experiment':
        outcome = await runExperiment(session, parsed.experiment, note);
        break;
      case 'runs':
        outcome = await runRuns(session);
        break;
      case 'export':
        outcome = await runExport(session, parsed.export);
        break;
      case 'predict':
        outcome = await runPredict(session, parsed.predict);
        break;
      case 'evaluate':
        outcome = await runEvaluate(session, parsed.evaluate);
        break;
      case 'export-frames':
        outcome = await runExportFrames(session, parsed.frames, note);
        break;
      case 'import-run':
        outcome = await runImportRun(session, parsed.file);
        break;
    }
    if (global.json) {
      const envelope: JsonEnvelope = {
        command: parsed.command,
        ok: outcome.exitCode === EXIT.ok,
        exitCode: outcome.exitCode,
        error: null,
        profile: global.profile,
        backend: session.backend,
        startupSec: Number(session.startupSec.toFixed(3)),
      };
      printJson({ ...envelope, ...outcome.json });
    } else {
      process.stdout.write(`${outcome.text}\n`);
    }
    return outcome.exitCode;
  } catch (e) {
    return fail(e, { command: parsed.command, json: global.json, profile: global.profile });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await session?.close();
  }
}

/** Reports a whole-command failure: the message on stderr, and the JSON envelope if asked. */
function fail(
  e: unknown,
  ctx: { command: string; json: boolean; profile: string | null },
): ExitCode {
  const exitCode = e instanceof CliError ? e.exitCode : EXIT.appFailure;
  const message =
    e instanceof CliError ? e.message : `The app reported an error: ${pageErrorMessage(e)}`;
  process.stderr.write(`error: ${message}\n`);
  if (e instanceof CliError && e.showUsage && !ctx.json)
    process.stderr.write(`Run 'npm run cli -- help' for usage.\n`);
  if (ctx.json) {
    const envelope: JsonEnvelope = {
      command: ctx.command,
      ok: false,
      exitCode,
      error: message,
      profile: ctx.profile,
      backend: null,
      startupSec: null,
    };
    printJson(envelope);
  }
  return exitCode;
}

const code = await run(process.argv.slice(2));
// stdout and stderr are synchronous for files and pipes on Linux: nothing written is lost.
if (exitWhenDone.yes) process.exit(code);
process.exitCode = code;
