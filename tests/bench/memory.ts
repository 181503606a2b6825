/**
 * Stage 6: peak RSS of every service process, the kernel's high-water mark read after the
 * load stages that drove it (the whole system after the end-to-end runs, the gateway
 * after the query runs). Services run from their compiled build, as `npm start` runs
 * them, so these are the figures of production processes under the same load.
 */
import { peakRssMb } from './processes.js';
import type { Results } from './results.js';

export const RSS_LIMIT_MB = 200;

export async function recordPeakRss(results: Results, processes: { name: string; pid: number | undefined }[], when = ''): Promise<void> {
  for (const { name, pid } of processes) {
    const mb = await peakRssMb(pid);
    if (mb === undefined) continue;
    const baseline = name.includes('baseline');
    results.record({ key: `rss.${name}${when}`, stage: '6 memory', label: `peak RSS ${name}${when && ` (${when.replace(/^\./, '')})`}`, unit: 'MB', better: 'lower', baseline }, mb);
  }
}

/** Every service's peak RSS is held to the limit (baselines are not). */
export function memoryGoals(results: Results): void {
  for (const metric of results.metrics.values()) {
    if (!metric.key.startsWith('rss.') || metric.baseline) continue;
    results.goal({ key: `goal.${metric.key}`, label: `${metric.label.replace('peak RSS ', '')} < ${RSS_LIMIT_MB} MB RSS`, of: metric.key, op: '<=', target: RSS_LIMIT_MB });
  }
}
