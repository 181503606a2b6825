/**
 * What the observability specs read from the real processes: the spans each one wrote
 * (TELEMETRY_SPANS_DIR, one JSON-lines file per process), the JSON log lines the harness
 * captured per service, and Prometheus text from `/metrics`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpanRecord } from '@dreamcatcher/service-kit/testing';
import type { TestSystem } from '../support/system.js';

/** A finished span as the kit's JSON-lines exporter writes it. */
export type { SpanRecord };

export function readSpans(dir: string): SpanRecord[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return files.flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SpanRecord),
  );
}

/** The chain of ancestors of `span` within `spans` (nearest first). */
export function ancestors(span: SpanRecord, spans: SpanRecord[]): SpanRecord[] {
  const byId = new Map(spans.map((candidate) => [candidate.spanId, candidate]));
  const chain: SpanRecord[] = [];
  for (let parent = span.parentSpanId && byId.get(span.parentSpanId); parent; parent = parent.parentSpanId && byId.get(parent.parentSpanId)) chain.push(parent);
  return chain;
}

/** Every JSON log line a service wrote (non-JSON output is left out). */
export function logLines(system: TestSystem, service: string): Record<string, unknown>[] {
  return (system.logs.get(service) ?? []).flatMap((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

/** One sample of Prometheus text. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The summed value of `name`'s samples whose labels include `labels` (0 when there is none). */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

export async function scrape(baseUrl: string): Promise<Sample[]> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`${baseUrl}/metrics answered ${res.status}`);
  return parseMetrics(await res.text());
}

export const uniqueUser = (name: string): string => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** A capture body whose fragment content is `content` (which no log line may ever show). */
export function captureBody(content: string, title = 'Observed dream'): Record<string, unknown> {
  return { dreamTitle: title, brand: 'personal', tags: ['observability'], fragment: { title: 'An idea', content, source: 'claude', mode: 'all' } };
}
