// Flat ESLint config: typescript-eslint's strict type-aware rules plus React hooks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * HTML from strings is how user data (file, class and dataset names) becomes script: every
 * way of parsing a string into the live document is forbidden (docs/security.md); reading
 * innerHTML / outerHTML is harmless and allowed. Render with
 * React (text is escaped) or set textContent; a standalone file (the HTML report) is built with
 * src/export/escape.ts.
 */
const NO_HTML_FROM_STRINGS = 'parses a string as HTML; render with React or set textContent';
const htmlInjectionRule = [
  'error',
  {
    selector: 'AssignmentExpression[left.property.name=/^(innerHTML|outerHTML|srcdoc)$/]',
    message: `Setting innerHTML / outerHTML / srcdoc ${NO_HTML_FROM_STRINGS}.`,
  },
  {
    selector:
      'AssignmentExpression[left.computed=true][left.property.value=/^(innerHTML|outerHTML|srcdoc)$/]',
    message: `Setting innerHTML / outerHTML / srcdoc ${NO_HTML_FROM_STRINGS}.`,
  },
  {
    selector: 'Property[key.name=/^(innerHTML|outerHTML|srcdoc)$/]',
    message: `An innerHTML / outerHTML / srcdoc property ${NO_HTML_FROM_STRINGS}.`,
  },
  {
    selector:
      'CallExpression[callee.property.name=/^(insertAdjacentHTML|createContextualFragment|setHTMLUnsafe|parseHTMLUnsafe)$/]',
    message: `This ${NO_HTML_FROM_STRINGS}.`,
  },
  {
    selector:
      "CallExpression[callee.object.name='document'][callee.property.name=/^(write|writeln)$/]",
    message: `document.write ${NO_HTML_FROM_STRINGS}.`,
  },
  {
    selector: 'JSXAttribute[name.name=/^(dangerouslySetInnerHTML|srcDoc)$/]',
    message: `dangerouslySetInnerHTML / srcDoc ${NO_HTML_FROM_STRINGS}.`,
  },
];

/**
 * The UI renders state (issue 16): it does not run models or open the database. No file under
 * src/ui/ imports TensorFlow.js or the storage connection (src/storage/db) or calls getDb();
 * UI components (.tsx) import no runtime storage module at all (types are fine). Data comes
 * from the stores, which call the stages' APIs (src/runs, src/inference, src/preprocess/api ...).
 * The harness hooks (debugHook.ts, moving to src/automation/) are exempt.
 */
const UI_TENSORFLOW = {
  group: ['@tensorflow/*'],
  message: 'The UI runs no model: use the inference store (src/inference/ runs in a worker).',
};
const UI_DB = {
  group: ['**/storage/db'],
  allowTypeImports: true,
  message: 'The UI opens no database: read through a store and the stage APIs.',
};
const UI_STORAGE = {
  group: ['**/storage/*', '**/storage'],
  allowTypeImports: true,
  message: 'UI components read data from stores, not from storage modules (types are fine).',
};
const uiGetDb = {
  selector: "CallExpression[callee.name='getDb']",
  message: 'The UI opens no database: read through a store and the stage APIs.',
};

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-automation',
      'node_modules',
      'test-results',
      'playwright-report',
      'public/vendor',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.node.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // `onClick={() => setX(y)}` is idiomatic React; a void shorthand there hides nothing.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-restricted-syntax': htmlInjectionRule,
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/ui/**/*.tsx'],
    ignores: ['src/ui/**/debugHook.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [UI_TENSORFLOW, UI_DB] }],
      'no-restricted-syntax': [...htmlInjectionRule, uiGetDb],
    },
  },
  {
    files: ['src/ui/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [UI_TENSORFLOW, UI_DB, UI_STORAGE] }],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
