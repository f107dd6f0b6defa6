/**
 * Charts as inline SVG: readable without any script, printable, no external font or library. Every bar carries
 * its figure in data-series / data-label / data-value, so a test (or a curious reader) can check the drawing
 * against the JSON. Widths fit an A4 page (680 px ≈ 180 mm).
 */
export const CHART_WIDTH = 680;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 70;
const BAR_HEIGHT = 14;

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface Series {
  key: string;
  label: string;
  colour: string;
}

export interface BarChart {
  id: string;
  title: string;
  series: Series[];
  rows: Array<{ label: string; values: Array<number | null> }>;
  format: (v: number) => string;
  /** A vertical reference line (e.g. the SLA target), in the values' unit. */
  target?: { value: number; label: string };
  /** Scale maximum (default: the largest value or the target). */
  max?: number;
}

function legend(series: Series[], y: number, x0 = LABEL_WIDTH): string {
  let x = x0;
  return series.map((s) => {
    const item = `<rect x="${x}" y="${y}" width="10" height="10" fill="${s.colour}"/><text x="${x + 14}" y="${y + 9}" class="legend">${esc(s.label)}</text>`;
    x += 24 + s.label.length * 6.5;
    return item;
  }).join('');
}

/** Grouped horizontal bars, one group per row, one bar per series. */
export function barChart(c: BarChart): string {
  const all = c.rows.flatMap((r) => r.values.filter((v): v is number => v !== null));
  const max = c.max ?? Math.max(1e-9, ...all, c.target?.value ?? 0);
  const area = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const groupHeight = c.series.length * (BAR_HEIGHT + 2) + 8;
  const top = 22;
  const height = top + Math.max(1, c.rows.length) * groupHeight + 6;
  const parts: string[] = [legend(c.series, 4)];
  c.rows.forEach((row, i) => {
    const y0 = top + i * groupHeight;
    parts.push(`<text x="${LABEL_WIDTH - 6}" y="${y0 + groupHeight / 2}" class="label" text-anchor="end">${esc(row.label)}</text>`);
    row.values.forEach((v, k) => {
      const s = c.series[k];
      const y = y0 + k * (BAR_HEIGHT + 2);
      const w = v === null ? 0 : Math.max(v > 0 ? 1 : 0, (v / max) * area);
      parts.push(`<rect class="bar" x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${s.colour}" data-series="${esc(s.key)}" data-label="${esc(row.label)}" data-value="${v ?? ''}"><title>${esc(`${row.label} — ${s.label} : ${v === null ? 'n/d' : c.format(v)}`)}</title></rect>`);
      parts.push(`<text x="${LABEL_WIDTH + w + 4}" y="${y + BAR_HEIGHT - 3}" class="value">${v === null ? 'n/d' : esc(c.format(v))}</text>`);
    });
  });
  if (c.target) {
    const x = LABEL_WIDTH + (c.target.value / max) * area;
    parts.push(`<line x1="${x.toFixed(1)}" y1="${top - 4}" x2="${x.toFixed(1)}" y2="${height - 4}" class="target" data-target="${c.target.value}"/>`);
    parts.push(`<text x="${(x + 3).toFixed(1)}" y="${top + 6}" class="target-label">${esc(c.target.label)}</text>`);
  }
  if (c.rows.length === 0) parts.push(`<text x="${LABEL_WIDTH}" y="${top + 12}" class="label">Aucune donnée sur la période</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${esc(c.id)}" role="img" aria-label="${esc(c.title)}" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}"><title>${esc(c.title)}</title>${parts.join('')}</svg>`;
}

/** One stacked bar of the parts of a whole (the cases of the period by outcome). */
export function stackedBar(id: string, title: string, parts: Array<Series & { value: number }>, format: (v: number) => string): string {
  const total = parts.reduce((s, p) => s + p.value, 0);
  const width = CHART_WIDTH;
  let x = 0;
  const rects = parts.map((p) => {
    const w = total > 0 ? (p.value / total) * width : 0;
    const rect = `<rect class="bar" x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="26" fill="${p.colour}" data-series="${esc(p.key)}" data-value="${p.value}"><title>${esc(`${p.label} : ${format(p.value)}`)}</title></rect>`
      + (w > 34 ? `<text x="${(x + w / 2).toFixed(1)}" y="17" class="inbar" text-anchor="middle">${esc(format(p.value))}</text>` : '');
    x += w;
    return rect;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${esc(id)}" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} 48" width="${width}" height="48"><title>${esc(title)}</title>${rects}${legend(parts, 34, 0)}</svg>`;
}
