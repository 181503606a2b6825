/**
 * One capture, followed through every process of the real system: its spans form one
 * trace (gateway → command service → append → relay publish → apply in each of the six
 * projections), and its correlation id is on the log lines of every process it passed.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { PROJECTION_NAMES } from '@dreamcatcher/service-kit';
import { eventually } from '@dreamcatcher/service-kit/testing';
import { observedSystem, type ObservedSystem } from './observed-system.js';
import { ancestors, captureBody, logLines, readSpans, uniqueUser, type SpanRecord } from './support.js';

describe('observability: one capture across every service', function () {
  this.timeout(300_000);
  const traceId = randomBytes(16).toString('hex');
  const correlationId = `obs-${randomBytes(6).toString('hex')}`;
  const secretContent = `never-logged-${randomBytes(6).toString('hex')}`;
  let system: ObservedSystem;
  let token: string;
  let capture: { dreamId: string; position: string; events: { eventId: string; type: string }[] };
  let trace: SpanRecord[];

  before(async function () {
    this.timeout(280_000);
    system = await observedSystem();
    token = await system.token(uniqueUser('observer'));
    const res = await fetch(`${system.api}/conversations/capture`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': correlationId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      body: JSON.stringify(captureBody(secretContent)),
    });
    expect(res.status, await res.clone().text()).to.equal(201);
    capture = (await res.json()) as typeof capture;
    // Every projection has applied the capture once each wrote an apply span for each of its events.
    await eventually(
      () => {
        trace = readSpans(system.spansDir).filter((span) => span.traceId === traceId);
        return PROJECTION_NAMES.every((projection) => trace.filter((span) => span.name === `apply ${projection}`).length >= capture.events.length);
      },
      { what: 'an apply span per event in every projection', timeoutMs: 60_000 },
    );
  });

  const one = (predicate: (span: SpanRecord) => boolean, what: string): SpanRecord => {
    const found = trace.filter(predicate);
    expect(found, what).to.have.length.greaterThan(0);
    return found[0]!;
  };

  it('traces the request in the gateway and its call to the command service', () => {
    const request = one((span) => span.service === 'gateway' && span.kind === 'server' && /conversations\/capture/.test(span.name), 'the gateway request span');
    const call = one((span) => span.service === 'gateway' && span.name === 'POST /commands/:type', 'the call to the command service');
    expect(ancestors(call, trace)).to.deep.include(request);
    const command = one((span) => span.service === 'command-service' && span.kind === 'server', 'the command service request span');
    expect(command.parentSpanId).to.equal(call.spanId);
  });

  it('appends in a span of that trace, with the store\'s SQL beneath it', () => {
    const command = one((span) => span.service === 'command-service' && span.kind === 'server', 'the command service request span');
    const append = one((span) => span.service === 'command-service' && span.name === 'append dream', 'the append span');
    expect(ancestors(append, trace)).to.deep.include(command);
    const sql = trace.filter((span) => span.service === 'command-service' && span.parentSpanId === append.spanId && span.kind === 'client');
    expect(sql.map((span) => span.attributes['db.system.name'] ?? span.attributes['db.system'])).to.include('postgresql');
  });

  // The relay's own publish spans carry the event's type; the AMQP instrumentation's have none.
  const relayPublishes = () => trace.filter((span) => span.service === 'relay' && span.kind === 'producer' && span.attributes['dreamcatcher.event.type'] !== undefined);

  it('publishes each event in a span whose parent is the append, with the AMQP client\'s span beneath it', () => {
    const append = one((span) => span.name === 'append dream', 'the append span');
    const publishes = relayPublishes();
    expect(publishes.map((span) => span.name).sort()).to.deep.equal(['publish dream.dream-created.v1', 'publish dream.fragment-captured.v1']);
    for (const publish of publishes) {
      expect(publish.parentSpanId, publish.name).to.equal(append.spanId);
      const sends = trace.filter((span) => span.parentSpanId === publish.spanId && span.attributes['messaging.system'] === 'rabbitmq');
      expect(sends, `the amqplib span below ${publish.name}`).to.have.length(1);
    }
  });

  it('applies each event in each of the six projections, below the relay\'s publish', () => {
    const publishes = new Set(relayPublishes().map((span) => span.spanId));
    for (const projection of PROJECTION_NAMES) {
      const applies = trace.filter((span) => span.name === `apply ${projection}`);
      expect(applies, projection).to.have.length.of.at.least(capture.events.length);
      for (const apply of applies) {
        expect(apply).to.include({ service: 'projector', kind: 'consumer', status: 'unset' });
        expect(ancestors(apply, trace).some((span) => publishes.has(span.spanId)), `${projection} apply below a publish`).to.equal(true);
      }
    }
  });

  it('carries the correlation id from the request to every projector in the log lines', () => {
    const carrying = (service: string) => logLines(system, service).filter((line) => line.correlationId === correlationId);
    const request = carrying('gateway').find((line) => line.message === 'request');
    expect(request, 'the gateway access line').to.include({ status: 201, route: '/api/v1/conversations/capture', traceId });
    expect(request?.userId).to.be.a('string');
    expect(carrying('command').find((line) => line.message === 'command handled'), 'the command line').to.include({ type: 'CaptureFragment', outcome: 'ok', traceId });
    expect(carrying('relay').filter((line) => line.message === 'event published'), 'the relay lines').to.have.length(capture.events.length);
    for (const projection of PROJECTION_NAMES) {
      const lines = carrying(`projector-${projection}`).filter((line) => line.message === 'event projected');
      expect(lines, projection).to.have.length.of.at.least(capture.events.length);
      expect(lines[0]).to.include({ service: 'projector', level: 'debug' });
      expect(lines[0]!.userId).to.equal(request?.userId);
    }
  });

  it('writes JSON lines with timestamp, level and service, and never the captured content or a token', () => {
    for (const service of ['gateway', 'command', 'relay', ...PROJECTION_NAMES.map((projection) => `projector-${projection}`)]) {
      const lines = logLines(system, service);
      expect(lines.length, service).to.be.greaterThan(0);
      for (const line of lines) expect(Object.keys(line), service).to.include.members(['timestamp', 'level', 'service', 'message']);
      const text = (system.logs.get(service) ?? []).join('\n');
      expect(text, service).to.not.include(secretContent);
      expect(text, service).to.not.include(token);
    }
  });
});
