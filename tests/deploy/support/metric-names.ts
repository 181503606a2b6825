/**
 * Which metric names the services export, and which a PromQL expression reads, so that a
 * dashboard panel cannot chart a series that no service produces.
 */
import { readFileSync } from 'node:fs';
import { createMetricsRegistry } from '@dreamcatcher/service-kit';
import { filesUnder, repoPath } from './files.js';

const SOURCE_FOLDERS = ['contracts/src', 'services', 'projections/src', 'gateway/src'];
const DEFINES_METRICS = /\bnew\s+(Counter|Gauge|Histogram|Summary)\b/;
const METRIC_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/**
 * Names declared in the services' sources: every snake_case string literal of a file that
 * constructs prom-client metrics (`new Counter({ name: '...' })`, or a helper it passes the
 * name to). Specs and test helpers are left out: they are not exported by a running service.
 */
export function metricNamesInCode(): Set<string> {
  const names = new Set<string>();
  for (const folder of SOURCE_FOLDERS) {
    const files = filesUnder(folder, (path) => path.endsWith('.ts') && path.includes('/src/') && !path.endsWith('.spec.ts') && !path.includes('/testing/') && !path.includes('/node_modules/'));
    for (const file of files) {
      const text = readFileSync(repoPath(file), 'utf8');
      if (!DEFINES_METRICS.test(text)) continue;
      for (const [, literal] of text.matchAll(/'([^'\n]+)'/g)) {
        if (literal && METRIC_NAME.test(literal)) names.add(literal);
      }
    }
  }
  return names;
}

/** The process metrics every service exports: they come with the kit's registry. */
export async function defaultMetricNames(): Promise<Set<string>> {
  const registry = createMetricsRegistry('metric-names-probe');
  const names = new Set((await registry.getMetricsAsJSON()).map((metric) => metric.name));
  registry.clear();
  return names;
}

const FUNCTIONS_AND_KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset',
  'sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'inf', 'nan',
]);

/** The metric names an expression selects (functions, labels, strings and ranges left out). */
export function metricNamesInExpression(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice((match.index ?? 0) + name.length);
    const before = stripped.slice(0, match.index ?? 0);
    if (/^\s*\(/.test(after) || /[0-9.]$/.test(before) || FUNCTIONS_AND_KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Whether `name` is an exported metric or a series of an exported histogram/summary. */
export function isExported(name: string, exported: Set<string>): boolean {
  if (exported.has(name)) return true;
  const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return base !== undefined && exported.has(base);
}
