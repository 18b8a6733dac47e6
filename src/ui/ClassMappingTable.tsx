import { CANONICAL_CLASSES, type CanonicalClass } from '../ingest/labels';
import type { ClassCount } from '../ingest/types';

/**
 * The dataset's labels, what each maps to, and how many items carry it: editable, both
 * before an import and for a stored dataset. `testId` prefixes the rows' test ids.
 */
export function ClassMappingTable({
  classes,
  testId,
  onChange,
}: {
  classes: ClassCount[];
  testId: string;
  onChange: (rawLabel: string, canonical: CanonicalClass | null) => void;
}) {
  return (
    <table className="table" data-testid={`${testId}.classes`}>
      <thead>
        <tr>
          <th scope="col">Label in the dataset</th>
          <th scope="col">Class</th>
          <th scope="col">Items</th>
        </tr>
      </thead>
      <tbody>
        {classes.map((c) => (
          <tr key={c.rawLabel} data-testid={`${testId}.class-row`} data-raw={c.rawLabel}>
            <td>{c.rawLabel === '' ? <em>(no label)</em> : c.rawLabel}</td>
            <td>
              {c.rawLabel === '' ? (
                'unlabelled'
              ) : (
                <select
                  aria-label={`Class for ${c.rawLabel}`}
                  data-testid={`${testId}.class-select`}
                  data-raw={c.rawLabel}
                  value={c.canonical ?? ''}
                  onChange={(e) =>
                    onChange(c.rawLabel, (e.target.value || null) as CanonicalClass | null)
                  }
                >
                  <option value="">(not mapped: kept, not trained on)</option>
                  {CANONICAL_CLASSES.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
              )}
            </td>
            <td data-testid={`${testId}.class-count`}>{c.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
