import { ClassMappingTable } from '../ClassMappingTable';
import type { ImportSummary } from '../../ingest/summary';
import { formatBytes, formatDuration } from '../format';
import { useDatasetsStore } from '../datasets/datasetsStore';
import { useImportStore } from './importStore';
import { ProblemList } from './ProblemList';

function ClassTable({ summary }: { summary: ImportSummary }) {
  const setMapping = useImportStore((s) => s.setMapping);
  if (!summary.labelled)
    return <p data-testid="import.unlabelled">Unlabelled: {summary.itemCount} items.</p>;
  return <ClassMappingTable classes={summary.classes} testId="import" onChange={setMapping} />;
}

/** The summary shown before anything is stored: numbers, class mapping, problems. */
export function ImportReview() {
  const { summary, commit, cancel, setName, resumeInto, setResumeInto } = useImportStore();
  const datasets = useDatasetsStore((s) => s.datasets);
  const unfinished = useDatasetsStore((s) => s.unfinished);
  if (!summary) return null;
  const resumable = datasets.filter((d) => unfinished.some((j) => j.datasetId === d.id));
  const splits = Object.entries(summary.splits)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return (
    <section className="panel" data-testid="import.review" aria-label="Import summary">
      <h2>Review the import</h2>
      <label>
        Name{' '}
        <input
          value={summary.name}
          onChange={(e) => setName(e.target.value)}
          data-testid="import.name"
        />
      </label>
      <dl className="facts">
        <dt>Layout</dt>
        <dd data-testid="import.layout">{summary.layout}</dd>
        <dt>Items</dt>
        <dd data-testid="import.items">{summary.itemCount}</dd>
        <dt>Files</dt>
        <dd data-testid="import.files">{summary.fileCount}</dd>
        <dt>Size</dt>
        <dd data-testid="import.bytes" data-bytes={summary.totalBytes}>
          {formatBytes(summary.totalBytes)}
        </dd>
        <dt>Duration</dt>
        <dd data-testid="import.duration" data-seconds={summary.totalDurationSec ?? ''}>
          {formatDuration(summary.totalDurationSec)}
        </dd>
        <dt>Splits</dt>
        <dd data-testid="import.splits">{splits || 'none'}</dd>
        <dt>Problems</dt>
        <dd data-testid="import.problem-count">{summary.problems.length}</dd>
      </dl>
      <ClassTable summary={summary} />
      <ProblemList problems={summary.problems} testId="import.problems" />
      {resumable.length > 0 && (
        <label>
          <input
            type="checkbox"
            data-testid="import.resume"
            checked={resumeInto !== null}
            onChange={(e) => setResumeInto(e.target.checked ? (resumable[0]?.id ?? null) : null)}
          />{' '}
          Resume the unfinished import of “
          {resumable.find((d) => d.id === resumeInto)?.name ?? resumable[0]?.name}” (items already
          stored are skipped)
        </label>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="import.commit"
          disabled={summary.itemCount === 0}
          onClick={() => void commit()}
        >
          Import {summary.itemCount} items
        </button>
        <button type="button" onClick={cancel} data-testid="import.cancel">
          Cancel
        </button>
      </div>
    </section>
  );
}
