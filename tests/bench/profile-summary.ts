/**
 * `node --import tsx tests/bench/profile-summary.ts DIR [TOP]`: reads every .cpuprofile in
 * DIR (written by a benchmark run with BENCH_CPU_PROFILE_DIR=DIR, or by `node --cpu-prof`)
 * and prints, per process, how busy it was and where its CPU went: the functions with the
 * most self time and the packages (or source folders) they belong to.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/pg/...` -> `pg`; `/services/relay/src/x.ts` -> `services/relay/src`; built-ins as `node:`. */
export function ownerOf(url: string): string {
  if (!url) return '(native/idle)';
  if (url.startsWith('node:')) return 'node: internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const source = /\/((?:services|projections|gateway|contracts|tests)\/(?:[^/]+\/)?src|tests\/[^/]+)\//.exec(url);
  return source?.[1] ?? url;
}

export function selfTimes(profile: Profile): { byFunction: Map<string, number>; byOwner: Map<string, number>; totalMs: number; idleMs: number } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const frame = nodes.get(id)!.callFrame;
    totalMs += ms;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') {
      if (frame.functionName === '(idle)') idleMs += ms;
    }
    const owner = ownerOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${frame.url ? `${owner}:${frame.lineNumber + 1}` : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
  });
  return { byFunction, byOwner, totalMs, idleMs };
}

function top(map: Map<string, number>, count: number, busyMs: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => `    ${((ms / busyMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? '.';
  const count = Number(process.argv[3] ?? 15);
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort()) {
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Profile;
    const { byFunction, byOwner, totalMs, idleMs } = selfTimes(profile);
    const busyMs = totalMs - idleMs;
    byFunction.delete('(idle)');
    byOwner.delete('(native/idle)');
    console.log(`${file}: ${(totalMs / 1000).toFixed(1)} s profiled, ${(busyMs / 1000).toFixed(1)} s busy`);
    console.log('  by package or source folder:', '\n' + top(byOwner, 8, busyMs).join('\n'));
    console.log('  by function (self time):', '\n' + top(byFunction, count, busyMs).join('\n'));
  }
}
