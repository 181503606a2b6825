import { expect } from 'chai';
import { isOpsPath, tracingSettings, urlCarriesCredential } from './settings.js';

describe('tracing settings', () => {
  it('are off by default: no endpoint, no spans folder', () => {
    expect(tracingSettings({})).to.equal(undefined);
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).to.equal(undefined);
  });

  it('export to the OTLP endpoint when one is set', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' })).to.deep.equal({ otlpEndpoint: 'http://otel-collector:4318' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).to.deep.equal({ otlpEndpoint: 'http://c:4318/v1/traces' });
  });

  it('write spans to a folder when a test asks for it, with or without a collector', () => {
    expect(tracingSettings({ TELEMETRY_SPANS_DIR: 'spans' })).to.deep.equal({ spansDir: 'spans' });
    expect(tracingSettings({ TELEMETRY_SPANS_DIR: 'spans', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).to.deep.equal({ spansDir: 'spans', otlpEndpoint: 'http://c:4318' });
  });

  it('stay off when the SDK or the trace exporter is switched off', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).to.equal(undefined);
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).to.equal(undefined);
  });

  it('leave probes and scrapes untraced', () => {
    for (const url of ['/health', '/ready', '/metrics', '/ready?verbose=1']) expect(isOpsPath(url), url).to.equal(true);
    for (const url of ['/api/v1/dreams', '/healthy', '/api/v1/ready', undefined]) expect(isOpsPath(url), String(url)).to.equal(false);
  });

  it('recognise a URL carrying a credential, which is never traced', () => {
    for (const url of ['/ws/dreamcatcher/dc_abc_def', '/api/v1/ws/dreamcatcher/x', '/ws?token=t', '/api/v1/live?access_token=t', '/ws?since=1&token=t']) {
      expect(urlCarriesCredential(url), url).to.equal(true);
    }
    for (const url of ['/ws', '/api/v1/dreams?tag=token', '/api/v1/dreams', undefined]) expect(urlCarriesCredential(url), String(url)).to.equal(false);
  });
});
