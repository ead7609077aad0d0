import type { Outcome } from '../../shared/audit-record.js';
import { escapeHtml } from './html-escape.js';
import type { DayCounts } from './report-stats.js';
import { OUTCOMES } from './report-stats.js';

/** One colour per outcome (colour-blind-safe palette), used by the chart and its legend. */
export const OUTCOME_COLOURS: Readonly<Record<Outcome, string>> = {
  APPLIED: '#1b9e77',
  NOOP: '#a6a6a6',
  PLANNED: '#7570b3',
  DEFERRED: '#1f78b4',
  EXEMPT: '#66a61e',
  SUPPRESSED: '#e6ab02',
  FAILED: '#d95f02',
  REJECTED: '#e7298a',
};

/** A round step for the y axis: 1, 2, 5, 10, 20, 50... giving about five ticks. */
function niceStep(max: number): number {
  const raw = Math.max(1, max) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return Math.max(1, step);
}

function axis(max: number, height: number, top: number, left: number, width: number): string {
  const step = niceStep(max);
  const top_ = Math.ceil(Math.max(1, max) / step) * step;
  const parts: string[] = [];
  for (let v = 0; v <= top_; v += step) {
    const y = top + height - (v / top_) * height;
    parts.push(
      `<line x1="${left}" x2="${left + width}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/>`,
      `<text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" class="tick">${v}</text>`,
    );
  }
  return parts.join('');
}

const scaleTop = (max: number) => Math.ceil(Math.max(1, max) / niceStep(max)) * niceStep(max);

/**
 * Remediations over time, one bar per UTC day, stacked by outcome. Each bar is a `g.bar` and each
 * non-empty outcome in it a `rect.segment` with `data-outcome` and `data-count`; a `<title>` gives
 * the numbers on hover. Static SVG: no script.
 */
export function stackedBarChart(days: readonly DayCounts[]): string {
  const left = 44;
  const top = 12;
  const height = 220;
  const slot = Math.max(8, Math.min(48, Math.floor(880 / Math.max(1, days.length))));
  const barWidth = Math.max(4, Math.floor(slot * 0.7));
  const width = slot * Math.max(1, days.length);
  const max = Math.max(0, ...days.map((d) => d.total));
  const topValue = scaleTop(max);
  const labelEvery = Math.ceil(days.length / 12);
  const bars = days.map((d, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    let y = top + height;
    const segments = OUTCOMES.filter((o) => d.counts[o] > 0).map((o) => {
      const h = (d.counts[o] / topValue) * height;
      y -= h;
      return `<rect class="segment" data-outcome="${o}" data-count="${d.counts[o]}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}" fill="${OUTCOME_COLOURS[o]}"><title>${escapeHtml(d.day)} ${o}: ${d.counts[o]}</title></rect>`;
    });
    const label =
      i % labelEvery === 0
        ? `<text x="${(x + barWidth / 2).toFixed(1)}" y="${top + height + 16}" text-anchor="middle" class="tick">${escapeHtml(d.day.slice(5))}</text>`
        : '';
    return `<g class="bar" data-day="${escapeHtml(d.day)}" data-total="${d.total}">${segments.join('')}${label}</g>`;
  });
  const svgWidth = left + width + 12;
  return `<svg class="chart" id="chart-over-time" role="img" aria-label="Remediations per day by outcome" width="${svgWidth}" height="${top + height + 28}" viewBox="0 0 ${svgWidth} ${top + height + 28}" xmlns="http://www.w3.org/2000/svg">${axis(max, height, top, left, width)}${bars.join('')}</svg>`;
}

/** A histogram: one `rect.hist-bar` per bucket with `data-bucket` and `data-count`. */
export function histogram(buckets: readonly { label: string; count: number }[]): string {
  const left = 44;
  const top = 12;
  const height = 180;
  const slot = 84;
  const barWidth = 60;
  const width = slot * buckets.length;
  const max = Math.max(0, ...buckets.map((b) => b.count));
  const topValue = scaleTop(max);
  const bars = buckets.map((b, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    const h = (b.count / topValue) * height;
    return `<g><rect class="hist-bar" data-bucket="${escapeHtml(b.label)}" data-count="${b.count}" x="${x}" y="${(top + height - h).toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}" fill="#4e79a7"><title>${escapeHtml(b.label)}: ${b.count}</title></rect><text x="${x + barWidth / 2}" y="${top + height + 16}" text-anchor="middle" class="tick">${escapeHtml(b.label)}</text></g>`;
  });
  const svgWidth = left + width + 12;
  return `<svg class="chart" id="chart-latency" role="img" aria-label="Time from evaluation to remediation" width="${svgWidth}" height="${top + height + 28}" viewBox="0 0 ${svgWidth} ${top + height + 28}" xmlns="http://www.w3.org/2000/svg">${axis(max, height, top, left, width)}${bars.join('')}</svg>`;
}
