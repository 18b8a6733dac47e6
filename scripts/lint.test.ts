/**
 * The lint rule that keeps HTML-from-strings out of the app (eslint.config.js,
 * docs/security.md): the project's own resolved config, run on samples of each way in.
 */
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

let rule: Promise<Linter.RuleEntry> | null = null;

function restrictedSyntax(): Promise<Linter.RuleEntry> {
  rule ??= resolveRule();
  return rule;
}

async function resolveRule(): Promise<Linter.RuleEntry> {
  const config = (await new ESLint().calculateConfigForFile('src/main.tsx')) as Linter.Config;
  const entry = config.rules?.['no-restricted-syntax'];
  if (!entry) throw new Error('no-restricted-syntax is not configured for src/');
  return entry;
}

async function lint(code: string): Promise<string[]> {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [
      {
        files: ['**/*.tsx'],
        languageOptions: {
          parser: tseslint.parser,
          parserOptions: { ecmaFeatures: { jsx: true } },
        },
        rules: { 'no-restricted-syntax': await restrictedSyntax() },
      },
    ],
    'sample.tsx',
  );
  return messages.map((m) => m.message);
}

describe('no HTML from strings (lint)', () => {
  it.each([
    ['el.innerHTML = name;', 'innerHTML'],
    ["el['outerHTML'] = name;", 'outerHTML'],
    ['frame.srcdoc = page;', 'srcdoc'],
    ['el.innerHTML += name;', 'innerHTML'],
    ['Object.assign(el, { innerHTML: name });', 'innerHTML'],
    ['const f = <iframe srcDoc={page} />;', 'srcDoc'],
    ["el.insertAdjacentHTML('beforeend', name);", 'parses a string as HTML'],
    ['range.createContextualFragment(name);', 'parses a string as HTML'],
    ['document.write(name);', 'document.write'],
    ['const x = <div dangerouslySetInnerHTML={{ __html: name }} />;', 'dangerouslySetInnerHTML'],
  ])('forbids %s', async (code, said) => {
    const messages = await lint(code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(said);
    expect(messages[0]).toContain('render with React or set textContent');
  });

  it('leaves text and other writes alone', async () => {
    expect(
      await lint(
        'el.textContent = name; stream.write(chunk); const x = <p title={name}>{name}</p>; ' +
          'console.log(el.outerHTML.slice(0, 80));',
      ),
    ).toEqual([]);
  });
});
