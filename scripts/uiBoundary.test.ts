/**
 * The UI renders state (issue 16): the lint rules of eslint.config.js that keep TensorFlow.js,
 * the database connection and (in components) the storage modules out of src/ui/, run on
 * samples with the project's own resolved config.
 */
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

async function lint(code: string, file: string): Promise<string[]> {
  const config = (await new ESLint().calculateConfigForFile(file)) as Linter.Config;
  const rules = {
    'no-restricted-imports': config.rules?.['no-restricted-imports'] ?? 'off',
    'no-restricted-syntax': config.rules?.['no-restricted-syntax'] ?? 'off',
  };
  const linter = new Linter({ configType: 'flat' });
  return linter
    .verify(
      code,
      [
        {
          files: ['**/*.ts', '**/*.tsx'],
          languageOptions: {
            parser: tseslint.parser,
            parserOptions: { ecmaFeatures: { jsx: true } },
          },
          rules,
        },
      ],
      file,
    )
    .map((m) => m.message);
}

const COMPONENT = 'src/ui/inference/InferencePanel.tsx';
const STORE = 'src/ui/inference/inferenceStore.ts';

describe('the UI boundary', () => {
  it('no UI file imports TensorFlow.js or the database connection, or calls getDb()', async () => {
    for (const file of [COMPONENT, STORE]) {
      expect(await lint("import * as tf from '@tensorflow/tfjs';", file)).toHaveLength(1);
      expect(await lint("import { getDb } from '../../storage/db';", file)).not.toHaveLength(0);
      expect(await lint('void getDb();', file)).toHaveLength(1);
    }
  });

  it('components import no runtime storage module; types and stage APIs are fine', async () => {
    expect(await lint("import { getRun } from '../../storage/runs';", COMPONENT)).toHaveLength(1);
    expect(await lint("import { getRun } from '../../storage/runs';", STORE)).toHaveLength(0);
    expect(
      await lint("import type { StoredFrame } from '../../storage/schema';", COMPONENT),
    ).toEqual([]);
    expect(await lint("import { storedFrame } from '../../preprocess/api';", COMPONENT)).toEqual(
      [],
    );
  });

  it('outside src/ui/ the stages may use both', async () => {
    expect(
      await lint(
        "import * as tf from '@tensorflow/tfjs'; void getDb();",
        'src/inference/engine.ts',
      ),
    ).toEqual([]);
  });
});
