import { formatBytes } from '../format';
import { useDatasetsStore } from './datasetsStore';

export function StorageMeter() {
  const usage = useDatasetsStore((s) => s.usage);
  const { usageBytes, quotaBytes, persisted } = usage;
  const pct = usageBytes != null && quotaBytes ? (100 * usageBytes) / quotaBytes : null;
  return (
    <span
      className="storage"
      data-testid="storage.meter"
      data-usage={usageBytes ?? ''}
      data-quota={quotaBytes ?? ''}
    >
      Storage: {formatBytes(usageBytes)} of {formatBytes(quotaBytes)}
      {pct != null ? ` (${pct.toFixed(1)}%)` : ''}
      {persisted === true ? ', persistent' : persisted === false ? ', may be evicted' : ''}
    </span>
  );
}
