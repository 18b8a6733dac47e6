/**
 * Colours and fonts of exported charts. The app paints charts with CSS variables
 * (src/ui/styles.css: --chart-1..7, --chart-muted, --chart-grid, --chart-text); an export
 * resolves them to literal values, either as the page shows them now (the current theme) or
 * as the print theme: white background, black text and axes, light grey grid, the light
 * palette's series colours, a common sans-serif face.
 */

export type ExportTheme = 'current' | 'print';

export interface PrintTheme {
  background: string;
  text: string;
  axis: string;
  grid: string;
  font: string;
  /** Series colours per CSS variable (the light palette: dark enough on white). */
  series: Readonly<Record<string, string>>;
}

export const PRINT_THEME: PrintTheme = {
  background: '#ffffff',
  text: '#000000',
  axis: '#000000',
  grid: '#d9d9d9',
  font: 'Helvetica, Arial, sans-serif',
  series: {
    '--chart-1': '#2b6cb0',
    '--chart-2': '#c53030',
    '--chart-3': '#2f855a',
    '--chart-4': '#c05621',
    '--chart-5': '#805ad5',
    '--chart-6': '#d53f8c',
    '--chart-7': '#319795',
    '--chart-muted': '#a0aec0',
  },
};

/** Text and line colours that become black / grid grey in print. */
const TEXT_VARS = ['--chart-text', '--fg', '--muted'];
const GRID_VARS = ['--chart-grid', '--border'];

/** How the page resolves `var(name)` now, as `rgb(...)` (what getComputedStyle reports). */
function resolved(name: string, within: Element): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  within.append(probe);
  const c = getComputedStyle(probe).color;
  probe.remove();
  return c;
}

/** Literal colour -> print colour, keyed by the page's current `rgb(...)` of each variable. */
export function printColourMap(within: Element = document.body): Map<string, string> {
  const map = new Map<string, string>();
  for (const v of GRID_VARS) map.set(resolved(v, within), PRINT_THEME.grid);
  for (const v of TEXT_VARS) map.set(resolved(v, within), PRINT_THEME.text);
  for (const [v, c] of Object.entries(PRINT_THEME.series)) map.set(resolved(v, within), c);
  // recharts' own defaults where no theme rule applies (axis #666, grid #ccc).
  map.set('rgb(102, 102, 102)', PRINT_THEME.axis);
  map.set('rgb(204, 204, 204)', PRINT_THEME.grid);
  return map;
}

const PAINT = ['fill', 'stroke', 'color', 'stop-color'] as const;

/** Re-paints an exported (inlined) SVG clone in the print theme. */
export function applyPrintTheme(clone: SVGSVGElement, map: Map<string, string>): void {
  const all = [clone, ...Array.from(clone.querySelectorAll('*'))];
  for (const el of all) {
    if (!(el instanceof SVGElement)) continue;
    for (const prop of PAINT) {
      const v = el.style.getPropertyValue(prop);
      const to = map.get(v.trim());
      if (to) {
        el.style.setProperty(prop, to);
        if (el.hasAttribute(prop)) el.setAttribute(prop, to);
      }
    }
    const cls = el.getAttribute('class') ?? '';
    if (el.localName === 'text' || el.localName === 'tspan') {
      el.style.setProperty('fill', PRINT_THEME.text);
      el.setAttribute('fill', PRINT_THEME.text);
    }
    if (/recharts-cartesian-axis-(line|tick-line)/.test(cls)) {
      el.style.setProperty('stroke', PRINT_THEME.axis);
      el.setAttribute('stroke', PRINT_THEME.axis);
    }
    if (el.style.getPropertyValue('font-family'))
      el.style.setProperty('font-family', PRINT_THEME.font);
  }
  clone.setAttribute('font-family', PRINT_THEME.font);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * recharts draws its legend as HTML beside the <svg>, so an export of the svg alone had none:
 * each legend item (its icon, an svg, and its text) is redrawn inside the clone at the place
 * it has on the page. `inline` copies computed styles onto the icon's clone.
 */
export function legendIntoSvg(
  svg: SVGSVGElement,
  clone: SVGSVGElement,
  inline: (src: Element, dst: Element) => void,
): number {
  const wrapper = svg.closest('.recharts-wrapper') ?? svg.parentElement;
  if (!wrapper) return 0;
  const origin = svg.getBoundingClientRect();
  const g = document.createElementNS(SVG_NS, 'g');
  g.setAttribute('class', 'export-legend');
  let n = 0;
  for (const item of Array.from(wrapper.querySelectorAll('.recharts-legend-item'))) {
    const icon = item.querySelector('svg');
    const label = item.querySelector('.recharts-legend-item-text') ?? item;
    if (icon) {
      const r = icon.getBoundingClientRect();
      const c = icon.cloneNode(true) as SVGSVGElement;
      inline(icon, c);
      c.setAttribute('x', String(r.left - origin.left));
      c.setAttribute('y', String(r.top - origin.top));
      c.setAttribute('width', String(r.width));
      c.setAttribute('height', String(r.height));
      c.removeAttribute('style');
      g.append(c);
    }
    const r = label.getBoundingClientRect();
    const style = getComputedStyle(label);
    const t = document.createElementNS(SVG_NS, 'text');
    t.textContent = label.textContent;
    t.setAttribute('x', String(r.left - origin.left));
    t.setAttribute('y', String(r.top - origin.top + r.height * 0.78));
    t.setAttribute('font-size', style.fontSize);
    t.setAttribute('font-family', style.fontFamily);
    t.setAttribute('fill', style.color);
    t.style.setProperty('fill', style.color);
    g.append(t);
    n++;
  }
  if (n > 0) clone.append(g);
  return n;
}
