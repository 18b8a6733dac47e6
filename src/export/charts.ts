/**
 * Charts on the page as files: every chart is an element whose data-testid ends in ".chart"
 * with a recharts <svg> inside. SVG = that element serialised standalone (namespace, size, the
 * theme's background, every colour and font resolved to a literal value, the legend drawn in,
 * optionally the print theme, a printed width in mm and the figure's metadata); PNG = the same
 * SVG drawn onto a canvas at `scale` x.
 */
import {
  applyPrintTheme,
  type ExportTheme,
  legendIntoSvg,
  PRINT_THEME,
  printColourMap,
} from './chartTheme';
import { addSvgMetadata, type FigureMeta } from './figure';

export interface SvgExportOptions {
  theme: ExportTheme;
  /** Printed width in mm: the svg's width/height become mm, its viewBox stays in px. */
  widthMm?: number;
  /** Caption data written as <title>, <desc> and <metadata>. */
  meta?: FigureMeta;
}
export interface PageChart {
  testId: string;
  /** The chart's title for file names: aria-label, data-title, or the test id. */
  title: string;
  svg: SVGSVGElement;
}

/**
 * A chart's name for people: its data-title or aria-label, else its first heading, else the
 * test id in words ("results.ns.accuracy.chart" -> "ns accuracy").
 */
function chartTitle(el: HTMLElement, testId: string): string {
  const heading = el.querySelector('h1, h2, h3, h4, h5, h6')?.textContent.trim();
  return (
    el.dataset.title ??
    el.getAttribute('aria-label') ??
    (heading ||
      testId
        .replace(/\.chart$/, '')
        .replace(/^[a-z]+\./, '')
        .replace(/[._]/g, ' '))
  );
}

/** Charts under `root`: the largest <svg> (recharts' surface, not legend icons) of each. */
export function findCharts(root: ParentNode = document): PageChart[] {
  const out: PageChart[] = [];
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('[data-testid$=".chart"]'))) {
    const svgs = Array.from(el.querySelectorAll<SVGSVGElement>('svg'));
    let best: SVGSVGElement | undefined;
    let bestArea = -1;
    for (const s of svgs) {
      const r = s.getBoundingClientRect();
      if (r.width * r.height > bestArea) {
        best = s;
        bestArea = r.width * r.height;
      }
    }
    if (!best) continue;
    const testId = el.dataset.testid ?? 'chart';
    out.push({ testId, title: chartTitle(el, testId), svg: best });
  }
  return out;
}

/**
 * Presentation properties copied from the live chart's computed style into each exported
 * element: the app styles charts with CSS variables (`stroke="var(--chart-1)"`) and class
 * rules that do not exist outside the app, so an export that kept them drew no lines, black
 * bars and no legend.
 */
const INLINED = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'fill-opacity',
  'opacity',
  'stop-color',
  'color',
  'font-family',
  'font-size',
  'font-weight',
] as const;

/** Copies the computed presentation of `src` (live) onto `dst` (its clone), element by element. */
function inlineComputedStyle(src: Element, dst: Element): void {
  if (dst instanceof SVGElement || dst instanceof HTMLElement) {
    const computed = getComputedStyle(src);
    for (const prop of INLINED) {
      const value = computed.getPropertyValue(prop);
      if (value === '') continue;
      dst.style.setProperty(prop, value);
      if (dst.getAttribute(prop)?.includes('var(')) dst.setAttribute(prop, value);
    }
  }
  const a = src.children;
  const b = dst.children;
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x && y) inlineComputedStyle(x, y);
  }
}

/** The first opaque background behind `el` (the theme's page colour), else white. */
function backgroundBehind(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

/** A standalone SVG document of the chart (open in a browser or a vector editor). */
export function serialiseSvg(
  svg: SVGSVGElement,
  options: SvgExportOptions = { theme: 'current' },
): { text: string; width: number; height: number } {
  const r = svg.getBoundingClientRect();
  const width = Math.round(Number(svg.getAttribute('width')) || r.width || 400);
  const height = Math.round(Number(svg.getAttribute('height')) || r.height || 300);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineComputedStyle(svg, clone);
  // The live surface's own style (width: 100%) means nothing outside the page.
  clone.style.removeProperty('width');
  clone.style.removeProperty('height');
  legendIntoSvg(svg, clone, inlineComputedStyle);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  if (options.widthMm !== undefined) {
    const mm = options.widthMm;
    clone.setAttribute('width', `${mm}mm`);
    clone.setAttribute('height', `${Number(((mm * height) / width).toFixed(2))}mm`);
  } else {
    clone.setAttribute('width', String(width));
    clone.setAttribute('height', String(height));
  }
  const style = getComputedStyle(svg);
  if (!clone.getAttribute('font-family')) clone.setAttribute('font-family', style.fontFamily);
  const print = options.theme === 'print';
  if (print) applyPrintTheme(clone, printColourMap(svg.parentElement ?? document.body));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', print ? PRINT_THEME.background : backgroundBehind(svg));
  clone.insertBefore(bg, clone.firstChild);
  if (options.meta) addSvgMetadata(clone, options.meta);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
  return { text, width, height };
}

/** Draws the SVG text onto a canvas and encodes it as PNG. */
export async function svgToPng(
  svgText: string,
  width: number,
  height: number,
  scale = 2,
): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas context for the PNG');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => {
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))),
        'image/png',
      );
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}
