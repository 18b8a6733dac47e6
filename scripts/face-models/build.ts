/**
 * Regenerates public/models/face/ from the npm packages (see docs/face-models.md).
 *
 *   npx tsx scripts/face-models/build.ts           # write the files
 *   npx tsx scripts/face-models/build.ts --check   # fail if the committed files differ
 *
 * The outputs are committed, so a build does not need these packages; this script and its
 * tests show exactly how the files were made and let anyone remake them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertAll, unpackAssets, type ConvertedModels, type PackageInputs } from './convert';

const here = dirname(fileURLToPath(import.meta.url));
export const OUTPUT_DIR = resolve(here, '../../public/models/face');

function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(`${name}/package.json`));
}

function packageVersion(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Plain Uint8Array (not a Node Buffer), so that comparisons see equal types. */
const readBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

/** Reads the inputs from node_modules. */
export function readPackageInputs(): PackageInputs & { versions: Record<string, string> } {
  const detection = packageDir('@mediapipe/face_detection');
  const mesh = packageDir('@mediapipe/face_mesh');
  const packed = unpackAssets(
    readFileSync(join(mesh, 'face_mesh_solution_packed_assets_loader.js'), 'utf8'),
    readBytes(join(mesh, 'face_mesh_solution_packed_assets.data')),
  );
  const take = (name: string): Uint8Array => {
    const bytes = packed.get(name);
    if (!bytes) throw new Error(`${name} not in the face_mesh packed assets`);
    return bytes;
  };
  return {
    shortRange: readBytes(join(detection, 'face_detection_short_range.tflite')),
    fullRange: readBytes(join(detection, 'face_detection_full_range_sparse.tflite')),
    attention: take('face_landmark_with_attention.tflite'),
    geometry: take('geometry_pipeline_metadata_landmarks.binarypb'),
    faceMeshWasm: readBytes(join(mesh, 'face_mesh_solution_simd_wasm_bin.wasm')),
    versions: {
      '@mediapipe/face_detection': packageVersion(detection),
      '@mediapipe/face_mesh': packageVersion(mesh),
    },
  };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What was made from what: written next to the models as models.json. */
export function manifest(models: ConvertedModels, versions: Record<string, string>): string {
  const files = Object.fromEntries(
    Object.entries(models).map(([name, bytes]) => [
      name,
      { bytes: bytes.length, sha256: sha256(bytes) },
    ]),
  );
  return `${JSON.stringify({ generator: 'scripts/face-models/build.ts', sources: versions, license: 'Apache-2.0', files }, null, 2)}\n`;
}

function main(): void {
  const check = process.argv.includes('--check');
  const { versions, ...inputs } = readPackageInputs();
  const models = convertAll(inputs);
  const outputs: [string, Uint8Array | string][] = [
    ...Object.entries(models),
    ['models.json', manifest(models, versions)],
  ];
  if (check) {
    const stale = outputs.filter(([name, data]) => {
      const path = join(OUTPUT_DIR, name);
      if (!existsSync(path)) return true;
      const want = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      return sha256(readFileSync(path)) !== sha256(want);
    });
    if (stale.length > 0) {
      console.error(`stale: ${stale.map(([n]) => n).join(', ')}; run scripts/face-models/build.ts`);
      process.exit(1);
    }
    console.log(`public/models/face is up to date (${outputs.length} files)`);
    return;
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  for (const [name, data] of outputs) {
    writeFileSync(join(OUTPUT_DIR, name), data);
    console.log(`${name}: ${typeof data === 'string' ? data.length : data.length} bytes`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
