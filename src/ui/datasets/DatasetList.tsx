import { formatBytes, formatDuration } from '../format';
import { useDatasetsStore, type DatasetSummary } from './datasetsStore';

function DatasetRow({
  d,
  selected,
  onSelect,
}: {
  d: DatasetSummary;
  selected: boolean;
  onSelect: () => void;
}) {
  const remove = useDatasetsStore((s) => s.remove);
  const labelled = d.classes.filter((c) => c.rawLabel !== '');
  const unlabelled = d.classes.find((c) => c.rawLabel === '')?.count ?? 0;
  return (
    <li
      className={`dataset${selected ? ' selected' : ''}`}
      data-testid="datasets.row"
      data-name={d.name}
      data-id={d.id}
    >
      <button type="button" className="link" onClick={onSelect} aria-pressed={selected}>
        <strong data-testid="datasets.name">{d.name}</strong>
      </button>{' '}
      <span className="muted">{d.layout}</span>{' '}
      <span data-testid="datasets.items">{d.itemCount}</span> items, {formatBytes(d.totalBytes)}
      {d.totalDurationSec != null ? `, ${formatDuration(d.totalDurationSec)}` : ''}
      {d.status !== 'ready' && (
        <span className="error" data-testid="datasets.status" role="status">
          {' '}
          {d.status === 'importing'
            ? 'import interrupted: drop the same files again to resume'
            : d.stopReason}
        </span>
      )}
      {labelled.length > 0 && (
        <ul className="counts" data-testid="datasets.classes">
          {labelled.map((c) => (
            <li
              key={c.rawLabel}
              data-testid="datasets.class"
              data-raw={c.rawLabel}
              data-count={c.count}
            >
              {c.canonical ?? `${c.rawLabel} (not mapped)`}: {c.count}
            </li>
          ))}
          {unlabelled > 0 && <li data-testid="datasets.unlabelled">unlabelled: {unlabelled}</li>}
        </ul>
      )}
      <button
        type="button"
        className="danger"
        data-testid="datasets.delete"
        onClick={() => {
          if (window.confirm(`Delete “${d.name}” and everything derived from it?`))
            void remove(d.id);
        }}
      >
        Delete
      </button>
    </li>
  );
}

export function DatasetList({
  selected,
  onSelect,
}: {
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const { datasets, loaded, error } = useDatasetsStore();
  return (
    <section className="panel" aria-label="Datasets">
      <h2>Datasets</h2>
      {error && (
        <p className="error" role="alert" data-testid="datasets.error">
          {error}
        </p>
      )}
      {loaded && datasets.length === 0 && <p data-testid="datasets.empty">No datasets yet.</p>}
      <ul className="datasets" data-testid="datasets.list">
        {datasets.map((d) => (
          <DatasetRow
            key={d.id}
            d={d}
            selected={selected === d.id}
            onSelect={() => onSelect(d.id)}
          />
        ))}
      </ul>
    </section>
  );
}
