/**
 * Faults and bad input (issue #7), in Chromium: bad weight files in the Inference tab are each
 * refused with their reason, the loaded model (its name and its predictions) unchanged.
 * (Storage and training faults: faults.spec.ts; another tab's schema: faults-schema.spec.ts.)
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { strFromU8, zipSync } from 'fflate';
import { openWithHooks } from './appHooks';

test('bad weight files are refused with their reason; the loaded model and its predictions stay', async ({
  page: p,
}) => {
  test.setTimeout(180_000);
  await openWithHooks(p);
  await p.getByTestId('nav.inference').click();
  const dir = 'src/automation/model/fixtures/tiny';
  const modelJson = readFileSync(`${dir}/model.json`, 'utf8');
  const shardName = 'group1-shard1of1.bin';
  const shard = readFileSync(`${dir}/${shardName}`);
  const file = (name: string, buffer: Buffer | Uint8Array | string) => ({
    name,
    mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    buffer: Buffer.from(buffer),
  });
  await p
    .getByTestId('inference.import')
    .setInputFiles([file('model.json', modelJson), file(shardName, shard)]);
  const model = p.getByTestId('inference.model');
  await expect(model).toHaveAttribute('data-source', /^imported: model\.json/);
  const source = await model.getAttribute('data-source');
  const probs = async (): Promise<number[]> =>
    p
      .getByTestId('inference.prob')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  const predict = async (): Promise<number[]> => {
    await p.getByTestId('inference.media').setInputFiles('tests/fixtures/faces/astronaut.png');
    await expect(p.getByTestId('inference.result')).toHaveAttribute('data-source', 'media', {
      timeout: 120_000,
    });
    return probs();
  };
  const before = await predict();
  expect(before.length).toBeGreaterThan(1);

  const json = JSON.parse(modelJson) as {
    modelConfig: Record<string, unknown> & { backbone: Record<string, unknown> };
    weightsManifest: { weights: { name: string; shape: number[] }[] }[];
  };
  const variant = (change: (j: typeof json) => void): string => {
    const j = structuredClone(json);
    change(j);
    return JSON.stringify(j);
  };
  const weights = (j: typeof json) => j.weightsManifest[0]?.weights ?? [];
  // A zip whose directory claims a 4 GiB shard (a zip bomb's header), patched in place.
  const zip = zipSync({ 'model.json': Buffer.from(modelJson), [shardName]: shard });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let i = 0; i + 46 < zip.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig !== 0x02014b50 && sig !== 0x04034b50) continue;
    const central = sig === 0x02014b50;
    const nameLen = view.getUint16(i + (central ? 28 : 26), true);
    const at = i + (central ? 46 : 30);
    if (strFromU8(zip.subarray(at, at + nameLen)) === shardName)
      view.setUint32(i + (central ? 24 : 22), 0xffff_fffe, true);
  }
  const cases: { what: string; files: ReturnType<typeof file>[]; message: RegExp }[] = [
    {
      what: 'wrong config',
      files: [
        file(
          'model.json',
          variant((j) => {
            j.modelConfig.numClasses = 0;
          }),
        ),
        file(shardName, shard),
      ],
      message: /numClasses/,
    },
    {
      what: 'wrong shapes',
      files: [
        file(
          'model.json',
          variant((j) => {
            const w = weights(j)[0];
            if (w) w.shape = [1, 2, 3, 4];
          }),
        ),
        file(shardName, shard),
      ],
      message: /backbone\/conv1\/kernel: shape \[1, 2, 3, 4\] in the file/,
    },
    {
      what: 'truncated shard',
      files: [file('model.json', modelJson), file(shardName, shard.subarray(0, shard.length - 64))],
      message: /The shards hold \d+ bytes; the manifest needs exactly \d+/,
    },
    {
      what: 'a manifest claiming 10^12 bytes',
      files: [
        file(
          'model.json',
          variant((j) => {
            const w = weights(j)[0];
            if (w) w.shape = [250_000, 1_000_000];
          }),
        ),
        file(shardName, shard),
      ],
      message: /claims 1\.00e\+12 bytes of weights, more than the 1024 MiB/,
    },
    {
      what: 'a config of terabytes',
      files: [
        file(
          'model.json',
          variant((j) => {
            j.modelConfig.backbone.stageWidths = [3e6, 3e6, 3e6, 3e6];
            j.modelConfig.backbone.widthMultiplier = 1;
          }),
        ),
        file(shardName, shard),
      ],
      message: /config describes a network of \d+ MiB of weights/,
    },
    {
      what: 'a zip claiming a 4 GiB entry',
      files: [file('weights.zip', zip)],
      message: /claims more than the 1024 MiB an import accepts; refused before unpacking/,
    },
  ];
  for (const c of cases) {
    await p.getByTestId('inference.import').setInputFiles(c.files);
    await expect(p.getByTestId('inference.error'), c.what).toHaveText(c.message);
    await expect(model, c.what).toHaveAttribute('data-source', source ?? '');
  }
  // The model in use is the one loaded first: the same predictions, to the last bit.
  expect(await predict()).toEqual(before);
});
