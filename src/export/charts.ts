/**
 * Charts on the page as files: every chart is an element whose data-testid ends in ".chart"
 * with a recharts <svg> inside. SVG = that element serialised standalone (namespace, size, the
 * theme's background, every colour and font resolved to a literal value); PNG = the same SVG
 * drawn onto a canvas at `scale` x.
 */
export interface PageChart {
  testId: string;
  /** The chart's title for file names: aria-label, data-title, or the test id. */
  title: string;
  svg: SVGSVGElement;
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
    out.push({
      testId,
      title: el.getAttribute('aria-label') ?? el.dataset.title ?? testId.replace(/\.chart$/, ''),
      svg: best,
    });
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
export function serialiseSvg(svg: SVGSVGElement): { text: string; width: number; height: number } {
  const r = svg.getBoundingClientRect();
  const width = Math.round(Number(svg.getAttribute('width')) || r.width || 400);
  const height = Math.round(Number(svg.getAttribute('height')) || r.height || 300);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineComputedStyle(svg, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const style = getComputedStyle(svg);
  if (!clone.getAttribute('font-family')) clone.setAttribute('font-family', style.fontFamily);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', backgroundBehind(svg));
  clone.insertBefore(bg, clone.firstChild);
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
