import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { SpanRecord } from './span-records.js';

const fixture = fileURLToPath(new URL('../testing/fixtures/traced-service.ts', import.meta.url));
const INBOUND_TRACE = '0af7651916cd43dd8448eb211c80319c';

/** Runs the fixture as services run: the telemetry entry imported before the main module. */
function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=dreamcatcher-source', '--import', 'tsx', '--import', '@dreamcatcher/service-kit/telemetry', fixture], {
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', TELEMETRY_SPANS_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, stderr, lines: stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) })),
  );
}

describe('the telemetry entry (--import)', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'dc-kit-spans-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('traces HTTP and PostgreSQL in a service started with a spans folder, under the service\'s name', async () => {
    const { code, lines } = await run({ TELEMETRY_SPANS_DIR: dir });
    expect(code).to.equal(0);
    const spans = readdirSync(dir).flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as SpanRecord));
    const server = spans.find((span) => span.kind === 'server');
    expect(server).to.include({ service: 'traced-fixture', traceId: INBOUND_TRACE, parentSpanId: 'b7ad6b7169203331' });
    const query = spans.find((span) => span.kind === 'client' && span.attributes['db.system.name'] === 'postgresql');
    expect(query, 'a pg span').to.include({ traceId: INBOUND_TRACE, parentSpanId: server!.spanId });
    // The log line written inside the request carries its trace.
    expect(lines.find((line) => line.message === 'handled a thing')).to.include({ traceId: INBOUND_TRACE, spanId: server!.spanId });
    expect(lines.find((line) => line.message === 'done')).to.include({ armed: true });
    // Requests whose URL carries a credential were served but left no span anywhere.
    expect(spans.filter((span) => span.kind === 'server')).to.have.length(1);
    expect(JSON.stringify(spans)).to.not.match(/SECRET-IN/);
  });

  it('arms nothing when tracing is off', async () => {
    const { code, lines } = await run({});
    expect(code).to.equal(0);
    expect(lines.find((line) => line.message === 'done')).to.include({ armed: false });
    expect(lines.find((line) => line.message === 'handled a thing')).to.not.have.property('traceId');
  });

  it('runs and stops cleanly when the collector does not answer', async () => {
    const started = Date.now();
    const { code, lines, stderr } = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(code).to.equal(0);
    expect(stderr).to.equal('');
    expect(lines.filter((line) => line.level === 'error' || line.level === 'warn')).to.deep.equal([]);
    expect(lines.find((line) => line.message === 'done')).to.include({ armed: true });
    // The last spans get at most a couple of seconds to leave.
    expect(Date.now() - started).to.be.below(30_000);
  });
});
