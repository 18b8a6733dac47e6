import { useEffect, useRef, useState } from 'react';
import { listFrames, preprocessMedia } from '../../preprocess/api';
import { REGIONS, type Region } from '../../preprocess/types';
import { itemBlobs } from '../../ingest/api';
import type { MediaItemRecord, StoredFrame } from '../../storage/schema';
import { usePreprocessStore } from './preprocessStore';
import { useObjectUrl } from '../useObjectUrl';
import { drawOverlay } from './cropOverlay';
import { comparisonConfig } from './comparison';

/** Draws a stored crop with the frame's keypoints and face box mapped into it. */
function CropCanvas({ frame, region }: { frame: StoredFrame; region: Region }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let alive = true;
    void createImageBitmap(frame.crops[region]).then((bmp) => {
      const canvas = ref.current;
      const ctx = canvas?.getContext('2d');
      if (!alive || !canvas || !ctx) return;
      canvas.width = bmp.width;
      canvas.height = bmp.height;
      ctx.drawImage(bmp, 0, 0);
      bmp.close();
      const drawn = drawOverlay(ctx, frame.record, region, canvas.width);
      canvas.dataset.keypoints = String(drawn.length);
    });
    return () => {
      alive = false;
    };
  }, [frame, region]);
  return (
    <canvas
      ref={ref}
      className="crop"
      data-testid={`inspector.crop-${region}`}
      aria-label={`${region} crop`}
    />
  );
}

function FrameThumb({
  frame,
  selected,
  onSelect,
}: {
  frame: StoredFrame;
  selected: boolean;
  onSelect: () => void;
}) {
  const url = useObjectUrl(frame.crops.face);
  return (
    <button
      type="button"
      className={`frame${selected ? ' selected' : ''}`}
      onClick={onSelect}
      aria-pressed={selected}
    >
      {url && <img src={url} alt={`frame at ${frame.record.timestampSec.toFixed(2)} s`} />}
    </button>
  );
}

interface Comparison {
  before: string;
  after: string;
  lightBefore: number;
  lightAfter: number;
}

/** Runs one frame of the item through the workers with and without illumination correction. */
async function compareIllumination(item: MediaItemRecord): Promise<Comparison> {
  const [first] = await itemBlobs(item.id);
  if (!first) throw new Error('No stored media for this item.');
  const settings = usePreprocessStore.getState().settings;
  const blob = [{ name: first.name, blob: first.blob }];
  const result = await preprocessMedia(blob, comparisonConfig(settings));
  const frame = result.files[0]?.frames.find((f) => f.crops !== null);
  const none = await preprocessMedia(blob, comparisonConfig(settings, 'none'));
  const plain = none.files[0]?.frames.find((f) => f.crops !== null);
  if (!frame?.crops || !plain?.crops)
    throw new Error(result.files[0]?.error ?? 'No face was found in the first frame.');
  return {
    before: URL.createObjectURL(plain.crops.face),
    after: URL.createObjectURL(frame.crops.face),
    lightBefore: frame.lightnessBefore ?? 0,
    lightAfter: frame.lightnessAfter ?? 0,
  };
}

/** Per item: the kept frames, the three crops with keypoints, and illumination before/after. */
export function Inspector({ item }: { item: MediaItemRecord }) {
  const [frames, setFrames] = useState<StoredFrame[] | null>(null);
  const [index, setIndex] = useState(0);
  const [cmp, setCmp] = useState<Comparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void listFrames(item.id).then((f) => {
      if (alive) setFrames(f);
    });
    return () => {
      alive = false;
    };
  }, [item.id]);
  useEffect(
    () => () => {
      if (cmp) {
        URL.revokeObjectURL(cmp.before);
        URL.revokeObjectURL(cmp.after);
      }
    },
    [cmp],
  );
  if (!frames) return <p>Loading frames…</p>;
  const frame = frames[index];
  return (
    <div className="inspector" data-testid="inspector" data-frames={frames.length}>
      <h3>Preprocessed frames: {frames.length}</h3>
      {frames.length === 0 && <p>No kept frames (not preprocessed yet, or no face was found).</p>}
      <div className="strip" role="group" aria-label="Frames">
        {frames.map((f, i) => (
          <FrameThumb key={f.id} frame={f} selected={i === index} onSelect={() => setIndex(i)} />
        ))}
      </div>
      {frame && (
        <>
          <p className="muted" data-testid="inspector.frame-facts">
            t = {frame.record.timestampSec.toFixed(2)} s, {frame.record.faces.length} face(s) found,
            eye line rotated {frame.record.angleDeg.toFixed(1)}°, lightness{' '}
            {frame.record.lightnessBefore.toFixed(2)} → {frame.record.lightnessAfter.toFixed(2)}
          </p>
          <div className="crops">
            {REGIONS.map((r) => (
              <figure key={r}>
                <CropCanvas frame={frame} region={r} />
                <figcaption>{r}</figcaption>
              </figure>
            ))}
          </div>
        </>
      )}
      {item.kind !== 'pixels' && (
        <button
          type="button"
          data-testid="inspector.compare"
          onClick={() => {
            setError(null);
            compareIllumination(item).then(setCmp, (e: unknown) =>
              setError(e instanceof Error ? e.message : String(e)),
            );
          }}
        >
          Compare illumination correction
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {cmp && (
        <div className="crops" data-testid="inspector.comparison">
          <figure>
            <img src={cmp.before} alt="face crop without correction" />
            <figcaption>before (lightness {cmp.lightBefore.toFixed(2)})</figcaption>
          </figure>
          <figure>
            <img src={cmp.after} alt="face crop with correction" />
            <figcaption>after (lightness {cmp.lightAfter.toFixed(2)})</figcaption>
          </figure>
        </div>
      )}
    </div>
  );
}
