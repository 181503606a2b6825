/**
 * The chart, as plain SVG written by hand: panels of horizontal bars (ratios to baselines,
 * throughput, latency, service CPU per operation, peak RSS), each bar the median with a
 * whisker from the lowest to the highest run, goals as red ticks, baselines in grey.
 */
import type { MachineFacts } from './machine.js';
import { formatValue } from './report.js';
import type { Results } from './results.js';

export interface Bar {
  label: string;
  median: number;
  min: number;
  max: number;
  unit: string;
  baseline?: boolean;
  goal?: number;
}

interface Panel {
  title: string;
  bars: Bar[];
  scale: 'linear' | 'log';
  /** Value of a dashed reference line (1.0 for ratios). */
  reference?: number;
}

const WIDTH = 960;
const LABEL = 360;
const PLOT = 440;
const ROW = 20;
const HEAD = 34;

/** 0.5, 20, 1k, 100k, 1M */
export function tickLabel(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  return `${+value.toPrecision(3)}`;
}

export const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A function from value to x offset within the plot. */
export function scaleFor(panel: Panel): { x: (value: number) => number; ticks: number[] } {
  const values = panel.bars.flatMap((bar) => [bar.max, bar.goal ?? 0, panel.reference ?? 0]).filter((value) => value > 0);
  const top = Math.max(...values, 1e-9);
  if (panel.scale === 'linear') {
    const hi = top * 1.1;
    // A step of 1, 2 or 5 times a power of ten, giving at most six ticks.
    const power = 10 ** Math.floor(Math.log10(hi / 6));
    const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => hi / candidate <= 6)!;
    const ticks = Array.from({ length: Math.floor(hi / step) + 1 }, (_, i) => Number((i * step).toPrecision(6)));
    return { x: (value) => Math.max(0, Math.min(PLOT, (value / hi) * PLOT)), ticks };
  }
  const lowest = Math.min(...panel.bars.flatMap((bar) => [bar.min, bar.goal ?? bar.min]).filter((value) => value > 0), top);
  const lo = 10 ** Math.floor(Math.log10(lowest));
  const hi = 10 ** Math.ceil(Math.log10(top * 1.05));
  const span = Math.log10(hi) - Math.log10(lo) || 1;
  const ticks = Array.from({ length: Math.round(span) + 1 }, (_, i) => lo * 10 ** i);
  return { x: (value) => (value <= 0 ? 0 : Math.max(0, Math.min(PLOT, ((Math.log10(value) - Math.log10(lo)) / span) * PLOT))), ticks };
}

function renderPanel(panel: Panel, top: number): { svg: string; height: number } {
  const { x, ticks } = scaleFor(panel);
  const height = HEAD + panel.bars.length * ROW + 24;
  const plotTop = top + HEAD;
  const plotBottom = plotTop + panel.bars.length * ROW;
  const parts = [`<text x="12" y="${top + 20}" class="title">${escapeXml(panel.title)}</text>`];
  for (const tick of ticks) {
    const tx = LABEL + x(tick);
    parts.push(`<line x1="${tx}" y1="${plotTop - 4}" x2="${tx}" y2="${plotBottom}" class="grid"/>`);
    parts.push(`<text x="${tx}" y="${plotBottom + 14}" class="tick">${tickLabel(tick)}</text>`);
  }
  panel.bars.forEach((bar, index) => {
    const y = plotTop + index * ROW;
    const mid = y + ROW / 2;
    parts.push(`<text x="${LABEL - 8}" y="${mid + 4}" class="label">${escapeXml(bar.label)}</text>`);
    parts.push(`<rect x="${LABEL}" y="${y + 4}" width="${x(bar.median).toFixed(1)}" height="${ROW - 8}" class="${bar.baseline ? 'base' : 'ours'}"/>`);
    if (bar.max > bar.min) parts.push(`<line x1="${(LABEL + x(bar.min)).toFixed(1)}" y1="${mid}" x2="${(LABEL + x(bar.max)).toFixed(1)}" y2="${mid}" class="whisker"/>`);
    if (bar.goal !== undefined) {
      const gx = (LABEL + x(bar.goal)).toFixed(1);
      parts.push(`<line x1="${gx}" y1="${y + 1}" x2="${gx}" y2="${y + ROW - 1}" class="goal"/>`);
    }
    const value = `${formatValue(bar.median, bar.unit)}${bar.unit === 'x' ? '' : ` ${bar.unit}`}`;
    parts.push(`<text x="${LABEL + PLOT + 8}" y="${mid + 4}" class="value">${escapeXml(value)}</text>`);
  });
  if (panel.reference !== undefined) {
    const rx = LABEL + x(panel.reference);
    parts.push(`<line x1="${rx}" y1="${plotTop - 4}" x2="${rx}" y2="${plotBottom}" class="reference"/>`);
  }
  return { svg: parts.join('\n'), height };
}

/** The panels for a run's results. */
export function panelsOf(results: Results): Panel[] {
  const goalOf = (key: string) => results.goals.find((goal) => goal.of === key)?.target;
  const metricBars = (test: (unit: string) => boolean): Bar[] =>
    [...results.metrics.values()]
      .filter((metric) => test(metric.unit) && metric.runs.length)
      .map((metric) => {
        const summary = results.summary(metric.key)!;
        const goal = goalOf(metric.key);
        return { label: metric.label, median: summary.median, min: summary.min, max: summary.max, unit: metric.unit, baseline: metric.baseline ?? false, ...(goal !== undefined && { goal }) };
      });
  // Throughput ratios only (higher is better, 1.0x is parity); cost ratios stay in the table.
  const ratioBars: Bar[] = results.ratios.flatMap((ratio) => {
    if (results.metrics.get(ratio.numerator)?.better !== 'higher') return [];
    const summary = results.ratioSummary(ratio);
    const goal = goalOf(ratio.key);
    return summary ? [{ label: ratio.label, median: summary.median, min: summary.min, max: summary.max, unit: 'x', ...(goal !== undefined && { goal }) }] : [];
  });
  return [
    { title: 'Against its baseline, measured in the same run (ratio; dashed: 1.0x)', bars: ratioBars, scale: 'linear', reference: 1 },
    { title: 'Throughput per second (log scale; grey: baselines)', bars: metricBars((unit) => unit.endsWith('/s')), scale: 'log' },
    { title: 'Latency in ms (log scale)', bars: metricBars((unit) => unit === 'ms'), scale: 'log' },
    { title: 'Service CPU per operation in ms (grey: the CRUD baseline)', bars: metricBars((unit) => unit === 'ms CPU'), scale: 'linear' },
    { title: 'Peak RSS in MB', bars: metricBars((unit) => unit === 'MB'), scale: 'linear' },
  ].filter((panel) => panel.bars.length) as Panel[];
}

export function renderChart(results: Results, machine: MachineFacts): string {
  let top = 46;
  const rendered = panelsOf(results).map((panel) => {
    const { svg, height } = renderPanel(panel, top);
    top += height;
    return svg;
  });
  const subtitle = `${machine.cpus} x ${machine.cpuModel}; Node ${machine.node}, PostgreSQL ${machine.postgres}, RabbitMQ ${machine.rabbitmq}; ${machine.date.slice(0, 10)}. Bars: median; whiskers: lowest to highest run; red ticks: goals.`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 10}" viewBox="0 0 ${WIDTH} ${top + 10}" font-family="sans-serif">`,
    '<style>.title{font-size:14px;font-weight:bold}.sub{font-size:11px;fill:#555}.label{font-size:11px;text-anchor:end}.value{font-size:11px}' +
      '.tick{font-size:10px;fill:#666;text-anchor:middle}.grid{stroke:#e4e4e4}.ours{fill:#3b6fb6}.base{fill:#a8a8a8}.whisker{stroke:#111;stroke-width:1.5}' +
      '.goal{stroke:#d62728;stroke-width:2.5}.reference{stroke:#333;stroke-dasharray:4 3}</style>',
    `<rect width="${WIDTH}" height="${top + 10}" fill="#fff"/>`,
    '<text x="12" y="20" class="title">Dreamcatcher backend benchmark</text>',
    `<text x="12" y="36" class="sub">${escapeXml(subtitle)}</text>`,
    ...rendered,
    '</svg>',
    '',
  ].join('\n');
}
