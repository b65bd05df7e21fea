import { escapeHtml } from '../../platform/views/html';
import type { Cell, ReportSection } from './annual.service';

/** Bar colours that keep 3:1 contrast with white and with each other's labels (GOV.UK blue, orange). */
const seriesColours = ['#1d70b8', '#d4351c', '#00703c'];

const ROW_HEIGHT = 22;
const LABEL_WIDTH = 230;
const BAR_WIDTH = 360;
const VALUE_WIDTH = 90;

const shown = (v: Cell, kind: string): string =>
  v === null
    ? kind === 'rate'
      ? 'not shown'
      : 'fewer than 3'
    : typeof v === 'number'
      ? v.toLocaleString('en-GB')
      : v;

/**
 * A horizontal bar chart of a section, as SVG drawn on the server: one group of bars per row, one
 * bar per charted column. role="img" with a title and description; the table after it says the same
 * thing, so the chart is decoration for those who can see it. A suppressed count draws no bar.
 */
export function barChart(section: ReportSection): string {
  const id = `chart-${section.id}`;
  const series = section.chartColumns;
  const rows = section.rows;
  const values = rows
    .flatMap((r) => series.map((c) => r[c]))
    .filter((v): v is number => typeof v === 'number');
  const max = Math.max(1, ...values);
  const groupHeight = ROW_HEIGHT * series.length + 8;
  const keyHeight = series.length > 1 ? 26 : 0;
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const height = Math.max(groupHeight, rows.length * groupHeight) + keyHeight + 4;
  const names = series.map((c) => section.columns[c]?.label ?? '');
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="lantern-chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" font-family="arial, sans-serif" data-chart="${escapeHtml(section.id)}">`,
    `<title id="${id}-title">${escapeHtml(section.title)}: bar chart of ${escapeHtml(names.join(' and ').toLowerCase())}</title>`,
    `<desc id="${id}-desc">${escapeHtml(section.description)} The table after the chart gives the same figures.</desc>`,
  );
  if (series.length > 1) {
    series.forEach((_, i) => {
      const x = LABEL_WIDTH + i * 170;
      parts.push(
        `<rect x="${x}" y="4" width="14" height="14" fill="${seriesColours[i % seriesColours.length]}"></rect>`,
        `<text x="${x + 20}" y="16" font-size="13" fill="#0b0c0c">${escapeHtml(names[i] ?? '')}</text>`,
      );
    });
  }
  rows.forEach((row, r) => {
    const top = keyHeight + r * groupHeight;
    const label = String(row[0] ?? '');
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${top + groupHeight / 2 + 4}" font-size="13" text-anchor="end" fill="#0b0c0c">${escapeHtml(label.length > 34 ? `${label.slice(0, 33)}…` : label)}</text>`,
    );
    series.forEach((c, i) => {
      const v = row[c] ?? null;
      const kind = section.columns[c]?.kind ?? 'count';
      const y = top + 4 + i * ROW_HEIGHT;
      const w = typeof v === 'number' ? Math.round((v / max) * BAR_WIDTH) : 0;
      if (w > 0) {
        parts.push(
          `<rect x="${LABEL_WIDTH}" y="${y}" width="${w}" height="${ROW_HEIGHT - 4}" fill="${seriesColours[i % seriesColours.length]}"></rect>`,
        );
      }
      parts.push(
        `<text x="${LABEL_WIDTH + w + 6}" y="${y + ROW_HEIGHT - 8}" font-size="12" fill="#0b0c0c">${escapeHtml(shown(v, kind))}</text>`,
      );
    });
  });
  parts.push(
    `<line x1="${LABEL_WIDTH}" y1="${keyHeight}" x2="${LABEL_WIDTH}" y2="${height}" stroke="#0b0c0c"></line>`,
  );
  parts.push('</svg>');
  return parts.join('');
}

/** A cell as the page's table shows it. */
export function cellText(v: Cell, kind: string): string {
  if (v === null) return kind === 'rate' ? 'Not shown' : 'Fewer than 3';
  if (typeof v === 'number')
    return kind === 'rate' ? `${v.toLocaleString('en-GB')}%` : v.toLocaleString('en-GB');
  return v;
}
