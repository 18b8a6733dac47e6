/**
 * Weights export and import around src/model/weights.ts (docs/weights-format.md): a finished
 * phase's stored model becomes `model.json` + shards, zipped into one file with fflate (already
 * a dependency, for dataset import); an imported set (a .zip, or model.json and its shards as
 * loose files) is checked completely by `importWeights` before a model exists.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { createModel, disposeModel, type FerModel } from '../model/model';
import {
  exportWeights,
  importWeights,
  MAX_WEIGHT_BYTES,
  WeightsFormatError,
  type WeightsArtifacts,
} from '../model/weights';
import { restoreModel } from '../train/loop/snapshot';
import type { PhaseModelRecord } from '../train/run/record';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** The stored phase model as a FerModel (the caller disposes it). */
export function modelFromPhaseRecord(rec: PhaseModelRecord): FerModel {
  const model = createModel(rec.modelConfig);
  try {
    restoreModel(model, rec.weights);
  } catch (e) {
    disposeModel(model);
    throw e;
  }
  return model;
}

/** The documented files: model.json (pretty JSON) then the shards in manifest order. */
export function weightsFiles(a: WeightsArtifacts): NamedBytes[] {
  const paths = a.modelJson.weightsManifest[0]?.paths ?? [];
  return [
    { name: 'model.json', bytes: strToU8(JSON.stringify(a.modelJson, null, 1)) },
    ...a.shards.map((s, i) => ({ name: paths[i] ?? `shard${i}.bin`, bytes: new Uint8Array(s) })),
  ];
}

/** One .zip of the files (shards stored, model.json deflated). */
export function zipFiles(files: readonly NamedBytes[]): Uint8Array {
  const z: Zippable = {};
  for (const f of files) z[f.name] = [f.bytes, { level: f.name.endsWith('.json') ? 6 : 0 }];
  return zipSync(z);
}

/** The stored phase model exported in the documented format, zipped. */
export async function phaseModelZip(rec: PhaseModelRecord): Promise<Uint8Array> {
  const model = modelFromPhaseRecord(rec);
  try {
    return zipFiles(weightsFiles(await exportWeights(model)));
  } finally {
    disposeModel(model);
  }
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Refuses files too large to be weights before they are read into memory (a .zip may hold
 * a little more than its weights; the limit is the same).
 */
export function checkWeightFileSizes(files: readonly { name: string; size: number }[]): void {
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_WEIGHT_BYTES + 2 ** 20)
    throw new WeightsFormatError(
      `The files hold ${(total / 2 ** 20).toFixed(0)} MiB, more than the ${MAX_WEIGHT_BYTES / 2 ** 20} MiB of weights an import accepts; nothing was read`,
    );
}

/** Files as given (a .zip is expanded; folders inside it are ignored), by base name. */
export function expandFiles(files: readonly NamedBytes[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const f of files) {
    if (/\.zip$/i.test(f.name)) {
      let entries: Record<string, Uint8Array>;
      const tooBig: string[] = [];
      try {
        // Entry sizes are read from the zip's directory before anything is inflated: a zip
        // claiming more than an import accepts is refused without allocating it.
        entries = unzipSync(f.bytes, {
          filter: (entry) => {
            if (entry.originalSize > MAX_WEIGHT_BYTES) tooBig.push(entry.name);
            return tooBig.length === 0;
          },
        });
      } catch (e) {
        throw new WeightsFormatError(
          `${f.name} is not a readable zip file (${e instanceof Error ? e.message : String(e)})`,
        );
      }
      if (tooBig.length > 0)
        throw new WeightsFormatError(
          `${f.name}: ${tooBig.join(', ')} claims more than the ${MAX_WEIGHT_BYTES / 2 ** 20} MiB an import accepts; refused before unpacking`,
        );
      for (const [path, bytes] of Object.entries(entries))
        if (!path.endsWith('/')) out.set(baseName(path), bytes);
    } else out.set(baseName(f.name), f.bytes);
  }
  return out;
}

/**
 * Reads model.json and the shards it lists from the given files and builds the model. Throws
 * WeightsFormatError (or ModelConfigError) with the reason when anything is missing, extra in
 * the manifest, the wrong shape or the wrong size; nothing is created then.
 */
export function importWeightFiles(files: readonly NamedBytes[]): FerModel {
  const byName = expandFiles(files);
  const manifestBytes = byName.get('model.json');
  if (!manifestBytes)
    throw new WeightsFormatError(
      `No model.json among the files (${[...byName.keys()].join(', ') || 'none'}); give model.json with its shards, or the exported .zip`,
    );
  let json: unknown;
  try {
    json = JSON.parse(strFromU8(manifestBytes));
  } catch (e) {
    throw new WeightsFormatError(
      `model.json is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const group = (json as { weightsManifest?: { paths?: unknown }[] } | null)?.weightsManifest?.[0];
  const paths = Array.isArray(group?.paths) ? (group.paths as unknown[]) : null;
  if (!paths || !paths.every((p): p is string => typeof p === 'string'))
    return importWeights(json, []); // importWeights names the manifest problem
  const missing = paths.filter((p) => !byName.has(baseName(p)));
  if (missing.length > 0)
    throw new WeightsFormatError(
      `model.json lists ${paths.length} shard(s); missing: ${missing.join(', ')}`,
    );
  const shards = paths.map((p) => {
    const b = byName.get(baseName(p)) as Uint8Array;
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  });
  return importWeights(json, shards);
}
