/**
 * The benchmark's outputs: a table on stdout (and as Markdown for the docs), the
 * complete results as JSON, and a chart of throughput and latency as hand-written SVG.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MachineFacts } from './machine.js';
import type { Window } from './measure.js';
import { renderChart } from './chart.js';
import type { Results } from './results.js';

export interface RunSettings {
  quick: boolean;
  runs: number;
  window: Window;
  outDir: string;
}

/** 12,345 for rates, 1 decimal for small values, 2 for ratios and cores. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'x') return `${value.toFixed(2)}x`;
  if (unit === 'cores') return value.toFixed(2);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(1);
}

export interface TableRow {
  stage: string;
  figure: string;
  median: string;
  range: string;
  unit: string;
}

/** Every figure, then every ratio, grouped by stage in stage order. */
export function tableRows(results: Results): TableRow[] {
  const rows: (TableRow & { order: string })[] = [];
  for (const metric of results.metrics.values()) {
    const summary = results.summary(metric.key)!;
    rows.push({
      order: `${metric.stage} 0`,
      stage: metric.stage,
      figure: metric.baseline ? `${metric.label} (baseline)` : metric.label,
      median: formatValue(summary.median, metric.unit),
      range: summary.runs.length > 1 ? `${formatValue(summary.min, metric.unit)} – ${formatValue(summary.max, metric.unit)}` : 'one reading',
      unit: metric.unit,
    });
  }
  for (const ratio of results.ratios) {
    const summary = results.ratioSummary(ratio);
    if (!summary) continue;
    const stage = results.metrics.get(ratio.numerator)!.stage;
    rows.push({
      order: `${stage} 1`,
      stage,
      figure: `ratio ${ratio.label}`,
      median: formatValue(summary.median, 'x'),
      range: summary.runs.length > 1 ? `${formatValue(summary.min, 'x')} – ${formatValue(summary.max, 'x')}` : 'one reading',
      unit: 'ratio',
    });
  }
  // Stable: figures keep the order they were measured in within a stage.
  return rows.sort((a, b) => a.order.localeCompare(b.order)).map(({ order: _order, ...row }) => row);
}

export function goalRows(results: Results): { goal: string; value: string; met: boolean }[] {
  return results.evaluateGoals().map(({ spec, value, met }) => {
    const unit = results.metrics.get(spec.of)?.unit ?? 'x';
    return { goal: spec.label, value: formatValue(value, unit) + (unit === 'x' ? '' : ` ${unit}`), met };
  });
}

export function plainTable(results: Results): string {
  const rows = tableRows(results);
  const headers = ['stage', 'figure', 'median', 'min – max', 'unit'];
  const cells = rows.map((row) => [row.stage, row.figure, row.median, row.range, row.unit]);
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (values: string[]) => values.map((value, column) => (column === 2 ? value.padStart(widths[column]!) : value.padEnd(widths[column]!))).join('  ');
  const goals = goalRows(results).map((goal) => `  ${goal.met ? 'MET    ' : 'NOT MET'}  ${goal.goal}: ${goal.value}`);
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line), '', 'Goals:', ...goals].join('\n');
}

export function markdownTable(results: Results, machine: MachineFacts, settings: Omit<RunSettings, 'outDir'>): string {
  const rows = tableRows(results);
  const lines = [
    `Measured ${machine.date.slice(0, 10)} on ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.os}; Node ${machine.node}, ` +
      `PostgreSQL ${machine.postgres}, RabbitMQ ${machine.rabbitmq}, all on the same machine. ${settings.quick ? 'Quick' : 'Full'} run: median of ${settings.runs} runs ` +
      `(${settings.window.windowMs / 1000} s windows after ${settings.window.warmupMs / 1000} s warm-up), load average ${machine.loadAverageBefore.join(' ')} before and ` +
      `${machine.loadAverageAfter?.join(' ') ?? '?'} after, ${machine.seconds ?? '?'} s in all.`,
    '',
    '| stage | figure | median | min – max | unit |',
    '|---|---|--:|---|---|',
    ...rows.map((row) => `| ${row.stage} | ${row.figure} | ${row.median} | ${row.range} | ${row.unit} |`),
    '',
    '| goal | measured | status |',
    '|---|--:|---|',
    ...goalRows(results).map((goal) => `| ${goal.goal} | ${goal.value} | ${goal.met ? 'met' : '**not met**'} |`),
  ];
  if (results.notes.length) lines.push('', ...results.notes.map((note) => `- ${note}`));
  return lines.join('\n');
}

/** Prints the table and writes bench-results.json, bench-results.md and bench-results.svg into `outDir`. */
export async function writeReport(results: Results, machine: MachineFacts, settings: RunSettings): Promise<void> {
  const { outDir, ...run } = settings;
  await mkdir(outDir, { recursive: true });
  const json = { machine, run, ...(results.toJSON() as object) };
  await writeFile(path.join(outDir, 'bench-results.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(path.join(outDir, 'bench-results.md'), `${markdownTable(results, machine, run)}\n`);
  await writeFile(path.join(outDir, 'bench-results.svg'), renderChart(results, machine));
  console.log(plainTable(results));
  console.log(`\nWrote bench-results.json, bench-results.md and bench-results.svg to ${path.resolve(outDir)}`);
}
