import { useEffect, useState } from 'react';
import { cachedThumbnail, itemBlobs, storeThumbnail } from '../../ingest/api';
import type { MediaItemRecord } from '../../storage/schema';
import { makeThumbnail } from '../../ingest/media/thumbnail';
import { greyPixelsToBlob } from './pixels';

/** Thumbnails are made on first view and cached in IndexedDB, so import stays fast. */
async function loadThumbnail(item: MediaItemRecord): Promise<Blob | null> {
  const cached = await cachedThumbnail(item.id);
  if (cached) return cached;
  const [first] = await itemBlobs(item.id);
  if (!first) return null;
  const blob =
    item.kind === 'pixels'
      ? await greyPixelsToBlob(first.blob, item.width ?? 48, item.height ?? 48)
      : await makeThumbnail(first.blob, first.name);
  await storeThumbnail(item, blob).catch(() => undefined);
  return blob;
}

export function Thumbnail({ item }: { item: MediaItemRecord }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let alive = true;
    let made: string | null = null;
    loadThumbnail(item)
      .then((blob) => {
        if (!alive || !blob) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => {
        if (alive) setFailed(true);
      });
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [item]);
  if (failed) return <span className="thumb missing" title="No preview" />;
  return url ? <img className="thumb" src={url} alt="" /> : <span className="thumb" />;
}
