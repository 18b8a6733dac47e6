import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { datasetItems } from '../../ingest/api';
import { naturalCompare } from '../../ingest/detect';
import type { MediaItemRecord } from '../../storage/schema';
import { ClassMappingTable } from '../ClassMappingTable';
import { formatBytes, formatDuration } from '../format';
import { useDatasetsStore, type DatasetSummary } from './datasetsStore';
import { ItemViewer } from './ItemViewer';
import { Thumbnail } from './Thumbnail';

function ClassMapping({ d }: { d: DatasetSummary }) {
  const remap = useDatasetsStore((s) => s.remap);
  const labelled = d.classes.filter((c) => c.rawLabel !== '');
  if (labelled.length === 0) return null;
  return (
    <ClassMappingTable
      classes={labelled}
      testId="browser"
      onChange={(raw, canonical) => void remap(d.id, raw, canonical)}
    />
  );
}

const ROW_HEIGHT = 56;

/** A dataset's items: a virtualised list (thousands of rows stay smooth), filter, viewer. */
export function DatasetBrowser({ dataset }: { dataset: DatasetSummary }) {
  const [items, setItems] = useState<MediaItemRecord[]>([]);
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<MediaItemRecord | null>(null);
  const parent = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let alive = true;
    void datasetItems(dataset.id).then((all) => {
      // Natural order: clip2 before clip10, row #999 before #4999.
      if (alive) setItems(all.sort((a, b) => naturalCompare(a.key, b.key)));
    });
    return () => {
      alive = false;
    };
  }, [dataset.id, dataset.itemCount]);
  const shown = useMemo(
    () => (filter ? items.filter((i) => (i.rawLabel ?? '') === filter) : items),
    [items, filter],
  );
  // TanStack Virtual returns fresh functions each render by design; the compiler just skips memoising here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: shown.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const classOf = (i: MediaItemRecord): string =>
    i.rawLabel == null
      ? 'unlabelled'
      : (dataset.classMap[i.rawLabel] ?? `${i.rawLabel} (not mapped)`);

  return (
    <section className="panel" data-testid="browser" aria-label={`Items of ${dataset.name}`}>
      <h2>{dataset.name}</h2>
      <ClassMapping d={dataset} />
      <label>
        Show{' '}
        <select
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          data-testid="browser.filter"
        >
          <option value="">all {items.length} items</option>
          {dataset.classes.map((c) => (
            <option key={c.rawLabel} value={c.rawLabel}>
              {c.rawLabel || '(no label)'} ({c.count})
            </option>
          ))}
        </select>
      </label>
      <div ref={parent} className="items" data-testid="browser.items" data-count={shown.length}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((v) => {
            const item = shown[v.index];
            if (!item) return null;
            return (
              <div
                key={item.id}
                className="item"
                data-testid="browser.item"
                style={{
                  position: 'absolute',
                  top: v.start,
                  height: ROW_HEIGHT,
                  left: 0,
                  right: 0,
                }}
              >
                <Thumbnail item={item} />
                <button type="button" className="link" onClick={() => setOpen(item)}>
                  {item.key}
                </button>
                <span>{classOf(item)}</span>
                <span className="muted">
                  {[
                    item.split,
                    item.subject,
                    item.durationSec != null ? formatDuration(item.durationSec) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
                <span className="muted">{formatBytes(item.bytes)}</span>
              </div>
            );
          })}
        </div>
      </div>
      {open && <ItemViewer key={open.id} item={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
