/**
 * `node --import tsx tests/bench/render.ts bench-results.json [OUT_DIR]`: draws the table
 * (Markdown) and the chart again from a run's saved results, e.g. after the chart changed
 * or to put a run into docs/benchmarks.md.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderChart } from './chart.js';
import type { MachineFacts } from './machine.js';
import type { Window } from './measure.js';
import { markdownTable } from './report.js';
import { Results, type GoalSpec, type MetricSpec, type RatioSpec } from './results.js';

interface SavedResults {
  machine: MachineFacts;
  run: { quick: boolean; runs: number; window: Window };
  metrics: (MetricSpec & { runs: number[] })[];
  ratios: RatioSpec[];
  goals: GoalSpec[];
  notes: string[];
}

/** The results a run saved, as the Results they were written from. */
export function resultsFrom(saved: SavedResults): Results {
  const results = new Results();
  for (const { runs, ...spec } of saved.metrics) {
    const metric: MetricSpec = { key: spec.key, stage: spec.stage, label: spec.label, unit: spec.unit, better: spec.better, ...(spec.baseline && { baseline: true }) };
    for (const value of runs) results.record(metric, value);
  }
  for (const { key, label, numerator, denominator } of saved.ratios) results.ratio({ key, label, numerator, denominator });
  for (const { key, label, of, op, target } of saved.goals) results.goal({ key, label, of, op, target });
  for (const note of saved.notes) results.note(note);
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'bench-results.json';
  const outDir = process.argv[3] ?? path.dirname(file);
  const saved = JSON.parse(await readFile(file, 'utf8')) as SavedResults;
  const results = resultsFrom(saved);
  await writeFile(path.join(outDir, 'bench-results.md'), `${markdownTable(results, saved.machine, saved.run)}\n`);
  await writeFile(path.join(outDir, 'bench-results.svg'), renderChart(results, saved.machine));
  console.log(`Wrote bench-results.md and bench-results.svg to ${path.resolve(outDir)}`);
}
