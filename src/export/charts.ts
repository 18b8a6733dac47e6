/**
 * Charts on the page as files: every chart is an element whose data-testid ends in ".chart"
 * with a recharts <svg> inside. SVG = that element serialised standalone (namespace, size, a
 * white background); PNG = the same SVG drawn onto a canvas at `scale` x.
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

/** A standalone SVG document of the chart (open in a browser or a vector editor). */
export function serialiseSvg(svg: SVGSVGElement): { text: string; width: number; height: number } {
  const r = svg.getBoundingClientRect();
  const width = Math.round(Number(svg.getAttribute('width')) || r.width || 400);
  const height = Math.round(Number(svg.getAttribute('height')) || r.height || 300);
  const clone = svg.cloneNode(true) as SVGSVGElement;
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
  bg.setAttribute('fill', '#ffffff');
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
