import { expect } from 'chai';
import { renderChart, scaleFor, tickLabel } from './chart.js';
import type { MachineFacts } from './machine.js';
import { closedLoop, median, percentile, summarize } from './measure.js';
import { ownerOf } from './profile-summary.js';
import { resultsFrom } from './render.js';
import { formatValue, markdownTable, plainTable } from './report.js';
import { Results } from './results.js';

const machine: MachineFacts = {
  cpus: 2,
  cpuModel: 'Test CPU <fast> & cheap',
  memoryGb: 24,
  os: 'Linux',
  node: 'v20.20.2',
  postgres: '15.14',
  rabbitmq: '3.10.8',
  loadAverageBefore: [0.5, 0.4, 0.3],
  loadAverageAfter: [1.5, 1, 0.5],
  seconds: 300,
  date: '2026-11-25T23:00:00.000Z',
};

function sampleResults(): Results {
  const results = new Results();
  const store = { key: 'append.store.32', stage: '1 append', label: 'store append, 32 writers', unit: 'events/s', better: 'higher' as const };
  const raw = { key: 'append.raw.32', stage: '1 append', label: 'raw INSERT, 32 writers', unit: 'events/s', better: 'higher' as const, baseline: true };
  [900, 1_000, 1_200].forEach((value) => results.record(store, value));
  [1_000, 1_000, 1_500].forEach((value) => results.record(raw, value));
  results.record({ key: 'dreams.p99', stage: '5 queries', label: 'GET /dreams p99', unit: 'ms', better: 'lower' }, 25);
  results.ratio({ key: 'append.vs-raw.32', label: 'store / raw', numerator: 'append.store.32', denominator: 'append.raw.32' });
  results.goal({ key: 'goal.append', label: 'append >= 0.8x raw', of: 'append.vs-raw.32', op: '>=', target: 0.8 });
  results.goal({ key: 'goal.p99', label: 'p99 <= 20 ms', of: 'dreams.p99', op: '<=', target: 20 });
  return results;
}

describe('benchmark measurement and report', () => {
  it('takes medians, nearest-rank percentiles and the spread of runs', () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).to.equal(50);
    expect(percentile(hundred, 99)).to.equal(99);
    expect(percentile([7], 99)).to.equal(7);
    expect(summarize([90, 100, 110])).to.include({ median: 100, min: 90, max: 110, spreadPct: 10 });
  });

  it('counts only what completes inside the window, and refuses a run where operations fail', async () => {
    const result = await closedLoop(2, { warmupMs: 20, windowMs: 60 }, () => new Promise((resolve) => setTimeout(resolve, 5)));
    expect(result.count).to.be.within(1, 30);
    expect(result.latencies).to.have.length(result.count);
    expect(result.to - result.from).to.be.at.least(55);
    let failed: Error | undefined;
    await closedLoop(2, { warmupMs: 0, windowMs: 30 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      throw new Error('refused');
    }).catch((error: Error) => (failed = error));
    expect(failed?.message).to.match(/operations failed; first: refused/);
  });

  it('pairs ratios run by run and judges goals on medians', () => {
    const results = sampleResults();
    const ratio = results.ratioSummary(results.ratios[0]!)!;
    expect(ratio.runs).to.deep.equal([0.9, 1, 0.8]);
    expect(ratio.median).to.equal(0.9);
    const goals = results.evaluateGoals();
    expect(goals.map((goal) => [goal.spec.key, goal.met])).to.deep.equal([
      ['goal.append', true],
      ['goal.p99', false],
    ]);
  });

  it('prints a table with every figure, ratio and goal', () => {
    const table = plainTable(sampleResults());
    expect(table).to.match(/store append, 32 writers\s+1,000\s+900 – 1,200/);
    expect(table).to.match(/raw INSERT, 32 writers \(baseline\)/);
    expect(table).to.match(/ratio store \/ raw\s+0\.90x/);
    expect(table).to.contain('NOT MET  p99 <= 20 ms: 25.0 ms');
    const markdown = markdownTable(sampleResults(), machine, { quick: false, runs: 3, window: { warmupMs: 1_000, windowMs: 3_000 } });
    expect(markdown).to.contain('| 5 queries | GET /dreams p99 | 25.0 | one reading | ms |');
    expect(markdown).to.contain('| p99 <= 20 ms | 25.0 ms | **not met** |');
    expect(markdown).to.contain('2 x Test CPU');
  });

  it('draws an SVG with escaped text, a bar per figure and goal ticks', () => {
    const svg = renderChart(sampleResults(), machine);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg).to.contain('Test CPU &lt;fast&gt; &amp; cheap');
    expect(svg).not.to.contain('<fast>');
    expect(svg.match(/class="(ours|base)"/g)).to.have.length(4);
    expect(svg.match(/class="goal"/g)).to.have.length(2);
  });

  it('scales log panels by powers of ten and formats values for people', () => {
    const { x, ticks } = scaleFor({ title: 't', scale: 'log', bars: [{ label: 'a', median: 50, min: 20, max: 800, unit: 'ms' }] });
    expect(ticks).to.deep.equal([10, 100, 1_000]);
    expect(x(100)).to.be.closeTo(220, 0.001);
    expect(tickLabel(100_000)).to.equal('100k');
    expect(formatValue(12_345.6, 'events/s')).to.equal('12,346');
    expect(formatValue(0.456, 'x')).to.equal('0.46x');
  });

  it('draws the same table and chart again from the saved JSON', () => {
    const results = sampleResults();
    results.note('a note');
    const saved = JSON.parse(JSON.stringify({ machine, run: { quick: false, runs: 3, window: { warmupMs: 1, windowMs: 2 } }, ...(results.toJSON() as object) }));
    const again = resultsFrom(saved);
    expect(plainTable(again)).to.equal(plainTable(results));
    expect(renderChart(again, machine)).to.equal(renderChart(results, machine));
    expect(again.notes).to.deep.equal(['a note']);
  });

  it('attributes profile samples to packages and source folders', () => {
    expect(ownerOf('file:///repo/node_modules/pg-protocol/dist/parser.js')).to.equal('pg-protocol');
    expect(ownerOf('file:///repo/node_modules/@opentelemetry/api/build/index.js')).to.equal('@opentelemetry/api');
    expect(ownerOf('file:///repo/services/relay/src/relay.ts')).to.equal('services/relay/src');
    expect(ownerOf('node:internal/streams/readable')).to.equal('node: internals');
  });
});
