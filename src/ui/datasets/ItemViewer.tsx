import { useEffect, useState } from 'react';
import { itemBlobs } from '../../ingest/api';
import type { MediaItemRecord } from '../../storage/schema';
import { playableUrl } from '../../ingest/media/playable';
import { greyPixelsToBlob } from './pixels';
import { Inspector } from '../preprocess/Inspector';

type View =
  { kind: 'video'; url: string; transcoded: boolean } | { kind: 'images'; urls: string[] };

async function load(item: MediaItemRecord): Promise<View> {
  const blobs = await itemBlobs(item.id);
  const first = blobs[0];
  if (!first) throw new Error('This item has no stored data.');
  if (item.kind === 'video') {
    const p = await playableUrl(first.blob, first.name);
    return { kind: 'video', url: p.url, transcoded: p.transcoded };
  }
  if (item.kind === 'pixels') {
    return {
      kind: 'images',
      urls: [
        URL.createObjectURL(
          await greyPixelsToBlob(first.blob, item.width ?? 48, item.height ?? 48),
        ),
      ],
    };
  }
  return { kind: 'images', urls: blobs.map((b) => URL.createObjectURL(b.blob)) };
}

/**
 * Plays a stored video (transcoding AVI through ffmpeg) or shows an image / sequence.
 * Mount with `key={item.id}` so a new item starts from a clean state.
 */
export function ItemViewer({ item, onClose }: { item: MediaItemRecord; onClose: () => void }) {
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    let made: View | null = null;
    load(item)
      .then((v) => {
        made = v;
        if (alive) setView(v);
      })
      .catch((e: unknown) => {
        if (alive) setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      alive = false;
      if (made?.kind === 'video') URL.revokeObjectURL(made.url);
      if (made?.kind === 'images') made.urls.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [item]);
  return (
    <div className="viewer" data-testid="viewer" aria-label={`Viewer: ${item.key}`}>
      <div className="row">
        <strong>{item.key}</strong>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!view && !error && <p>Loading…</p>}
      {view?.kind === 'video' && (
        <>
          <video src={view.url} controls data-testid="viewer.video" />
          {view.transcoded && (
            <p className="muted">
              Converted for playback by ffmpeg (the stored file is unchanged).
            </p>
          )}
        </>
      )}
      {view?.kind === 'images' && (
        <div className="strip" data-testid="viewer.images">
          {view.urls.map((u, i) => (
            <img key={u} src={u} alt={`frame ${i + 1}`} />
          ))}
        </div>
      )}
      <Inspector item={item} />
    </div>
  );
}
