import { expect } from 'chai';
import { isExported, metricNamesInExpression } from './support/metric-names.js';

describe('metric names read by a PromQL expression', () => {
  it('finds the series of a rate inside an aggregation', () => {
    expect(metricNamesInExpression('sum by (method, route) (rate(http_requests_total{job="gateway"}[$__rate_interval]))')).to.deep.equal([
      'http_requests_total',
    ]);
  });

  it('finds both sides of a ratio and skips labels, strings and functions', () => {
    const expression =
      'sum by (route) (rate(http_request_errors_total{status=~"5.."}[5m])) / sum without (le) (rate(http_requests_total{job="gateway"}[5m]))';
    expect(metricNamesInExpression(expression)).to.deep.equal(['http_request_errors_total', 'http_requests_total']);
  });

  it('reads a histogram quantile as its bucket series, skipping numbers and grouping labels', () => {
    expect(metricNamesInExpression('histogram_quantile(0.95, sum by (le, type) (rate(command_duration_seconds_bucket[1m])))')).to.deep.equal([
      'command_duration_seconds_bucket',
    ]);
  });

  it('reads a bare selector and an offset', () => {
    expect(metricNamesInExpression('relay_leader - relay_leader offset 5m')).to.deep.equal(['relay_leader']);
    expect(metricNamesInExpression('increase(projection_dead_letters_total[5m]) / 5')).to.deep.equal(['projection_dead_letters_total']);
  });

  it('accepts the _bucket, _sum and _count series of an exported histogram, and nothing else', () => {
    const exported = new Set(['command_duration_seconds', 'commands_total']);
    expect(isExported('command_duration_seconds_bucket', exported)).to.equal(true);
    expect(isExported('command_duration_seconds_count', exported)).to.equal(true);
    expect(isExported('commands_total', exported)).to.equal(true);
    expect(isExported('command_latency_seconds_bucket', exported)).to.equal(false);
    expect(isExported('dreamcatcher_projection_lag_seconds', exported)).to.equal(false);
  });
});
