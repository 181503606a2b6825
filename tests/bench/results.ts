/**
 * What a benchmark run found: every figure with its repeated runs, the ratios of figures
 * to their baselines (paired run by run, so that drift on a shared machine cancels out
 * as far as it can), and the goals each is held to.
 */
import { summarize, type Summary } from './measure.js';

export interface MetricSpec {
  key: string;
  stage: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** A baseline: what the stage is compared with, not a figure of the system. */
  baseline?: boolean;
}

export interface Metric extends MetricSpec {
  runs: number[];
}

export interface RatioSpec {
  key: string;
  label: string;
  numerator: string;
  denominator: string;
}

export interface GoalSpec {
  key: string;
  label: string;
  /** A metric key or a ratio key. */
  of: string;
  op: '>=' | '<=';
  target: number;
}

export interface Evaluated<T> {
  spec: T;
  summary: Summary;
}

export interface GoalOutcome {
  spec: GoalSpec;
  value: number;
  met: boolean;
}

export class Results {
  readonly metrics = new Map<string, Metric>();
  readonly ratios: RatioSpec[] = [];
  readonly goals: GoalSpec[] = [];
  readonly notes: string[] = [];

  /** Adds one run's value to a metric (declared by its first use). */
  record(spec: MetricSpec, value: number): void {
    const metric = this.metrics.get(spec.key) ?? { ...spec, runs: [] };
    metric.runs.push(value);
    this.metrics.set(spec.key, metric);
  }

  ratio(spec: RatioSpec): void {
    this.ratios.push(spec);
  }

  goal(spec: GoalSpec): void {
    this.goals.push(spec);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  summary(key: string): Summary | undefined {
    const metric = this.metrics.get(key);
    if (metric?.runs.length) return summarize(metric.runs);
    const ratio = this.ratios.find((candidate) => candidate.key === key);
    return ratio && this.ratioSummary(ratio);
  }

  /** Run-by-run ratios when both sides ran equally often, else the ratio of the medians. */
  ratioSummary(spec: RatioSpec): Summary | undefined {
    const top = this.metrics.get(spec.numerator)?.runs ?? [];
    const bottom = this.metrics.get(spec.denominator)?.runs ?? [];
    if (!top.length || !bottom.length) return undefined;
    if (top.length === bottom.length) return summarize(top.map((value, index) => value / bottom[index]!));
    return summarize([summarize(top).median / summarize(bottom).median]);
  }

  evaluateGoals(): GoalOutcome[] {
    return this.goals.flatMap((spec) => {
      const summary = this.summary(spec.of);
      if (!summary) return [];
      const value = summary.median;
      return [{ spec, value, met: spec.op === '>=' ? value >= spec.target : value <= spec.target }];
    });
  }

  toJSON(): unknown {
    return {
      metrics: [...this.metrics.values()].map((metric) => ({ ...metric, ...summarize(metric.runs) })),
      ratios: this.ratios.flatMap((spec) => {
        const summary = this.ratioSummary(spec);
        return summary ? [{ ...spec, ...summary }] : [];
      }),
      goals: this.evaluateGoals().map(({ spec, value, met }) => ({ ...spec, value, met })),
      notes: this.notes,
    };
  }
}
