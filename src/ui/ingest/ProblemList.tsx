import type { FileProblem } from '../../ingest/types';

/** Per-file problems. Names are rendered as text (never as HTML). */
export function ProblemList({ problems, testId }: { problems: FileProblem[]; testId: string }) {
  if (problems.length === 0) return null;
  return (
    <details className="problems" open={problems.length <= 20} data-testid={testId}>
      <summary>
        {problems.length} file{problems.length === 1 ? '' : 's'} skipped
      </summary>
      <ul>
        {problems.map((p, i) => (
          <li
            key={`${p.path}#${i}`}
            data-testid={`${testId}.item`}
            data-code={p.code}
            data-path={p.path}
          >
            <code>{p.path}</code>: {p.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
