/**
 * Publication figures (issue 17 item 3): the caption data (run, seed, phase, chart) in the file
 * name and in the file's metadata, the physical size (mm) and the resolution (dpi). SVG gets
 * <title>, <desc> and <metadata> (Dublin Core); PNG gets a pHYs chunk (pixels per metre) and
 * tEXt chunks (Title, Description, Source, Software, Comment), inserted after IHDR.
 */
import { safeFileName } from './download';

export interface FigureMeta {
  run: string;
  seed: number | null;
  phase: string | null;
  /** The chart's title for people ("Validation accuracy per iteration"). */
  chart: string;
  /** ISO time the file was made. */
  created: string;
}

export interface FigureSize {
  /** Printed width in millimetres (85 = one journal column, 170 = two). */
  widthMm: number;
  /** Raster resolution (dots per inch). */
  dpi: number;
}

export const DEFAULT_FIGURE: FigureSize = { widthMm: 85, dpi: 300 };
export const MM_PER_INCH = 25.4;

/** `<run>-seed<seed>-<phase>-<chart>[-<w>mm].<ext>`, each part file-name safe. */
export function figureFileName(meta: FigureMeta, ext: string, widthMm?: number): string {
  const parts = [
    safeFileName(meta.run),
    meta.seed === null ? null : `seed${meta.seed}`,
    meta.phase === null ? null : safeFileName(meta.phase),
    safeFileName(meta.chart),
    widthMm === undefined ? null : `${Math.round(widthMm)}mm`,
  ].filter((p): p is string => p !== null);
  return `${parts.join('-')}.${ext}`;
}

/** The caption line: "Validation accuracy per iteration. Run "x", seed 1, phase student 1." */
export function figureDescription(meta: FigureMeta): string {
  const bits = [`run "${meta.run}"`];
  if (meta.seed !== null) bits.push(`seed ${meta.seed}`);
  if (meta.phase !== null) bits.push(`phase ${meta.phase}`);
  return `${meta.chart}. ${bits.join(', ')}. FER Workbench, ${meta.created}.`;
}

/** Pixel width of a `widthMm` figure at `dpi`. */
export const pixelsFor = (widthMm: number, dpi: number): number =>
  Math.round((widthMm / MM_PER_INCH) * dpi);

const DC = 'http://purl.org/dc/elements/1.1/';
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const SVG = 'http://www.w3.org/2000/svg';
export const FIGURE_NS = 'urn:fer-workbench:figure';

/** Replaces the svg's <title>/<desc>/<metadata> with the figure's (first children, escaped by the serialiser). */
export function addSvgMetadata(svg: SVGSVGElement, meta: FigureMeta): void {
  const doc = svg.ownerDocument;
  for (const old of Array.from(svg.children))
    if (['title', 'desc', 'metadata'].includes(old.localName)) old.remove();
  const el = (ns: string, name: string, text?: string): Element => {
    const e = doc.createElementNS(ns, name);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const metadata = el(SVG, 'metadata');
  const rdf = el(RDF, 'rdf:RDF');
  const d = el(RDF, 'rdf:Description');
  d.append(
    el(DC, 'dc:title', meta.chart),
    el(DC, 'dc:description', figureDescription(meta)),
    el(DC, 'dc:source', `FER Workbench run "${meta.run}"`),
    el(DC, 'dc:date', meta.created),
  );
  rdf.append(d);
  const fig = el(FIGURE_NS, 'fer:figure');
  fig.setAttribute('run', meta.run);
  fig.setAttribute('seed', meta.seed === null ? '' : String(meta.seed));
  fig.setAttribute('phase', meta.phase ?? '');
  fig.setAttribute('chart', meta.chart);
  metadata.append(rdf, fig);
  svg.insertBefore(metadata, svg.firstChild);
  svg.insertBefore(el(SVG, 'desc', figureDescription(meta)), svg.firstChild);
  svg.insertBefore(el(SVG, 'title', meta.chart), svg.firstChild);
}

// ---- PNG chunks -------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** tEXt is Latin-1: characters outside it are written as "?" (the full text is in Comment as JSON \u escapes). */
function latin1(s: string): Uint8Array {
  return Uint8Array.from(
    Array.from(s).map((ch) => {
      const c = ch.codePointAt(0) ?? 63;
      return c > 0 && c < 256 ? c : 63;
    }),
  );
}

export function textChunk(keyword: string, text: string): Uint8Array {
  const k = latin1(keyword);
  const t = latin1(text);
  const data = new Uint8Array(k.length + 1 + t.length);
  data.set(k, 0);
  data.set(t, k.length + 1);
  return chunk('tEXt', data);
}

/** pHYs: pixels per metre on both axes, unit 1 (metre). */
export function physChunk(dpi: number): Uint8Array {
  const ppm = Math.round(dpi / 0.0254);
  const data = new Uint8Array(9);
  const v = new DataView(data.buffer);
  v.setUint32(0, ppm);
  v.setUint32(4, ppm);
  data[8] = 1;
  return chunk('pHYs', data);
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** The PNG with pHYs (dpi) and the figure's tEXt chunks after IHDR (any pHYs already there is dropped). */
export function pngWithMetadata(png: Uint8Array, dpi: number, meta: FigureMeta): Uint8Array {
  if (!PNG_SIGNATURE.every((b, i) => png[i] === b)) throw new Error('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const whole = png.subarray(at, at + 12 + len);
    if (type !== 'pHYs') parts.push(whole);
    if (type === 'IHDR') {
      parts.push(physChunk(dpi));
      parts.push(textChunk('Title', meta.chart));
      parts.push(textChunk('Description', figureDescription(meta)));
      parts.push(textChunk('Source', `FER Workbench run "${meta.run}"`));
      parts.push(textChunk('Software', 'FER Workbench'));
      parts.push(textChunk('Creation Time', meta.created));
      parts.push(
        textChunk(
          'Comment',
          JSON.stringify({
            run: meta.run,
            seed: meta.seed,
            phase: meta.phase,
            chart: meta.chart,
          }).replace(
            /[\u0100-\uffff]/g,
            (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
          ),
        ),
      );
    }
    at += 12 + len;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The PNG's chunks as [type, data] (tests, reading metadata back). */
export function pngChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at + 12 <= png.length;) {
    const len = view.getUint32(at);
    out.push({
      type: String.fromCharCode(...png.subarray(at + 4, at + 8)),
      data: png.subarray(at + 8, at + 8 + len),
    });
    at += 12 + len;
  }
  return out;
}
