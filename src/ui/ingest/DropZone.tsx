import { useRef, useState, type DragEvent } from 'react';
import { filesFromDataTransferItems, filesFromInput } from '../../ingest/entries';
import type { LayoutKind, SourceFile } from '../../ingest/types';
import { useImportStore } from './importStore';

const LAYOUTS: { value: LayoutKind | ''; label: string }[] = [
  { value: '', label: 'Detect automatically' },
  { value: 'afew', label: 'AFEW: a folder of videos per class' },
  { value: 'ckplus', label: 'CK+: image sequences + Emotion labels' },
  { value: 'ferplus-csv', label: 'FERPlus: fer2013.csv (+ fer2013new.csv)' },
  { value: 'image-folders', label: 'Images: a folder per class' },
  { value: 'unlabelled-video', label: 'Unlabelled videos (BoLD-style)' },
  { value: 'manifest', label: 'CSV manifest (path,label[,subject][,split])' },
];

/** Where datasets come in: drag a folder or files, or pick them. */
export function DropZone() {
  const start = useImportStore((s) => s.start);
  const phase = useImportStore((s) => s.phase);
  const [layout, setLayout] = useState<LayoutKind | ''>('');
  const [over, setOver] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const busy = phase === 'planning' || phase === 'probing' || phase === 'storing';

  const begin = (files: SourceFile[]): void => {
    void start(files, layout ? { layout } : {});
  };
  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault();
    setOver(false);
    if (busy) return;
    // Entries must be taken from the DataTransfer synchronously, inside the event.
    void filesFromDataTransferItems(e.dataTransfer.items, e.dataTransfer.files).then(begin);
  };

  return (
    <section className="panel">
      <h2>Add a dataset</h2>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="ingest.dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop a dataset folder or files here</p>
        <p className="muted">
          AFEW-style class folders of videos, CK+ image sequences, FERPlus CSVs, class folders of
          images, unlabelled videos, or a CSV manifest.
        </p>
        <div className="row">
          <button type="button" disabled={busy} onClick={() => folderInput.current?.click()}>
            Choose a folder…
          </button>
          <button type="button" disabled={busy} onClick={() => filesInput.current?.click()}>
            Choose files…
          </button>
          <label>
            Layout{' '}
            <select
              data-testid="ingest.layout"
              value={layout}
              onChange={(e) => setLayout(e.target.value as LayoutKind | '')}
            >
              {LAYOUTS.map((l) => (
                <option key={l.value} value={l.value}>
                  {l.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <input
          ref={folderInput}
          type="file"
          hidden
          data-testid="ingest.folder-input"
          aria-label="Choose a dataset folder"
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            if (e.target.files) begin(filesFromInput(e.target.files));
            e.target.value = '';
          }}
        />
        <input
          ref={filesInput}
          type="file"
          multiple
          hidden
          data-testid="ingest.files-input"
          aria-label="Choose dataset files"
          onChange={(e) => {
            if (e.target.files) begin(filesFromInput(e.target.files));
            e.target.value = '';
          }}
        />
      </div>
    </section>
  );
}
