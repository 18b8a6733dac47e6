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
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
