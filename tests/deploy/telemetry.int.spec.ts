import { expect } from 'chai';
import { appServices, environmentOf, readCompose } from './support/compose.js';
import { readText, readYaml } from './support/files.js';
import { defaultMetricNames, isExported, metricNamesInCode, metricNamesInExpression } from './support/metric-names.js';
import { plannedServices } from './support/system-plan.js';

interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[] }[];
}
interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}

const compose = readCompose();
const hostOf = (url: string) => new URL(url).hostname;

describe('Prometheus configuration', () => {
  const config = readYaml<{ global?: { scrape_interval?: string }; scrape_configs: ScrapeConfig[] }>('infra/prometheus/prometheus.yml');
  const targets = config.scrape_configs.flatMap((job) => (job.static_configs ?? []).flatMap((group) => group.targets.map((target) => ({ job: job.job_name, target }))));

  it('parses, with unique job names and a scrape interval', () => {
    expect(config.global?.scrape_interval).to.match(/^\d+[smh]$/);
    const jobs = config.scrape_configs.map((job) => job.job_name);
    expect(new Set(jobs).size).to.equal(jobs.length);
  });

  it('scrapes every process of the system on the port it serves /metrics on', () => {
    for (const planned of plannedServices()) {
      const environment = environmentOf(compose.services[planned.name]!);
      const port = environment.OPS_PORT ?? environment.PORT;
      expect(targets.map((t) => t.target), planned.name).to.include(`${planned.name}:${port}`);
    }
  });

  it('targets only services that the compose file runs', () => {
    for (const { target } of targets) {
      const host = target.split(':')[0]!;
      if (host !== 'localhost') expect(Object.keys(compose.services), target).to.include(host);
    }
  });
});

describe('Grafana dashboard and provisioning', () => {
  const dashboard = JSON.parse(readText('infra/grafana/dashboards/dreamcatcher.json')) as { uid: string; panels: Panel[]; templating?: { list: { name: string }[] } };
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((panel) => panel.type !== 'row');
  let exported: Set<string>;
  before(async () => {
    exported = new Set([...metricNamesInCode(), ...(await defaultMetricNames())]);
  });

  it('parses, and every panel queries something', () => {
    expect(dashboard.uid).to.be.a('string');
    expect(panels.length).to.be.greaterThan(10);
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).to.be.greaterThan(0);
      for (const target of panel.targets!) expect(target.expr, panel.title).to.be.a('string').and.not.equal('');
    }
  });

  it('finds the services\' metrics in their sources (the scan is not empty)', () => {
    expect([...exported]).to.include.members(['http_request_duration_seconds', 'commands_total', 'relay_published_total', 'projection_lag_positions', 'process_resident_memory_bytes']);
  });

  it('charts only metrics that the services export', () => {
    const missing = panels.flatMap((panel) =>
      panel.targets!.flatMap((target) => metricNamesInExpression(target.expr!).filter((name) => !isExported(name, exported)).map((name) => `${panel.title}: ${name}`)),
    );
    expect(missing).to.deep.equal([]);
  });

  it('covers HTTP by route, commands, the relay, projection lag, dead letters and memory', () => {
    const expressions = panels.flatMap((panel) => panel.targets!.map((target) => target.expr!)).join('\n');
    for (const metric of ['http_requests_total', 'http_request_errors_total', 'http_request_duration_seconds_bucket', 'commands_total', 'relay_published_total', 'relay_confirmed_total', 'relay_lag_positions', 'relay_lag_seconds', 'projection_lag_positions', 'projection_dead_letters_total', 'process_resident_memory_bytes']) {
      expect(expressions, metric).to.contain(metric);
    }
    expect(expressions).to.match(/by \([^)]*route[^)]*\)/);
    expect(expressions).to.match(/by \(type, outcome\)/);
  });

  it('queries the provisioned Prometheus data source', () => {
    const { datasources } = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>('infra/grafana/provisioning/datasources/datasources.yaml');
    const prometheus = datasources.find((source) => source.type === 'prometheus');
    expect(prometheus).to.not.equal(undefined);
    expect(Object.keys(compose.services)).to.include(hostOf(prometheus!.url));
    const variable = dashboard.templating?.list.find((entry) => entry.name === 'datasource') as { current?: { value?: string } } | undefined;
    expect(variable?.current?.value).to.equal(prometheus!.uid);
    for (const panel of panels) {
      for (const uid of [panel.datasource?.uid, ...panel.targets!.map((target) => target.datasource?.uid)]) {
        expect(['${datasource}', prometheus!.uid], panel.title).to.include(uid);
      }
    }
  });

  it('is loaded from the folder compose mounts the dashboards into', () => {
    const { providers } = readYaml<{ providers: { options: { path: string } }[] }>('infra/grafana/provisioning/dashboards/dashboards.yaml');
    const mounts = (compose.services.grafana!.volumes ?? []).map((volume) => String(volume).split(':'));
    const dashboards = mounts.find(([source]) => source === './infra/grafana/dashboards');
    expect(dashboards?.[1]).to.equal(providers[0]!.options.path);
    expect(mounts.find(([source]) => source === './infra/grafana/provisioning')?.[1]).to.equal('/etc/grafana/provisioning');
  });
});

describe('OpenTelemetry collector configuration', () => {
  type Components = Record<string, unknown>;
  const config = readYaml<{
    receivers: Components;
    processors?: Components;
    exporters: Components;
    extensions?: Components;
    service: { extensions?: string[]; pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
  }>('infra/otel/collector.yaml');

  it('defines every component its pipelines use', () => {
    expect(Object.keys(config.service.pipelines)).to.include('traces');
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      for (const receiver of pipeline.receivers) expect(Object.keys(config.receivers), `${name} receiver`).to.include(receiver);
      for (const processor of pipeline.processors ?? []) expect(Object.keys(config.processors ?? {}), `${name} processor`).to.include(processor);
      for (const exporter of pipeline.exporters) expect(Object.keys(config.exporters), `${name} exporter`).to.include(exporter);
    }
    for (const extension of config.service.extensions ?? []) expect(Object.keys(config.extensions ?? {})).to.include(extension);
  });

  it('receives OTLP where the services send it and exports traces to Jaeger', () => {
    const otlp = config.receivers.otlp as { protocols: { http: { endpoint: string } } };
    for (const [name, service] of appServices(compose)) {
      const endpoint = new URL(environmentOf(service).OTEL_EXPORTER_OTLP_ENDPOINT!);
      expect(Object.keys(compose.services), name).to.include(endpoint.hostname);
      expect(otlp.protocols.http.endpoint.split(':').at(-1), name).to.equal(endpoint.port);
    }
    const jaeger = config.exporters['otlp/jaeger'] as { endpoint: string };
    expect(Object.keys(compose.services)).to.include(jaeger.endpoint.split(':')[0]);
  });
});
