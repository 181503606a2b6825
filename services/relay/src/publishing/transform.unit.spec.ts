import { validateEnvelope, validateEvent } from '@dreamcatcher/contracts';
import { expect } from 'chai';
import { dreamStreamId, dreamSynced, fragmentCaptured, recorded, TRACEPARENT } from '../testing/events.js';
import { encodeEnvelope, transform, TransformError } from './transform.js';

const DREAM_ID = '3f0c5a7e-2b1d-4c8e-9a6f-1d2e3f4a5b6c';
const OCCURRED_AT = '2025-03-01T12:00:00.250Z';
// Beyond 2^53: must survive as exact decimal strings.
const POSITION = 2n ** 60n + 5n;
const REVISION = 2n ** 54n + 1n;

describe('transform: stored event -> AMQP message', () => {
  const event = recorded(fragmentCaptured(DREAM_ID, 7, OCCURRED_AT), { streamId: dreamStreamId(DREAM_ID), revision: REVISION, position: POSITION });
  const message = transform(event);

  it('publishes to the events exchange with dream.<kebab-type>.v<version>', () => {
    expect(message.exchange).to.equal('dreamcatcher.events');
    expect(message.routingKey).to.equal('dream.fragment-captured.v1');
    const synced = transform(recorded(dreamSynced(DREAM_ID, OCCURRED_AT), { streamId: dreamStreamId(DREAM_ID), revision: 3n, position: 9n }));
    expect(synced.routingKey).to.equal('dream.dream-synced.v1');
  });

  it('sets persistent JSON properties, messageId = event id, type = event type, mandatory', () => {
    expect(message.options).to.include({
      persistent: true,
      mandatory: true,
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      messageId: event.id,
      type: 'FragmentCaptured',
      correlationId: 'corr-7',
      timestamp: Math.floor(Date.parse(OCCURRED_AT) / 1000),
    });
  });

  it('carries stream, revision, position, correlation, causation and trace context as string headers', () => {
    expect(message.options.headers).to.deep.equal({
      'x-stream': dreamStreamId(DREAM_ID),
      'x-revision': '18014398509481985',
      'x-position': '1152921504606846981',
      'x-correlation-id': 'corr-7',
      'x-causation-id': 'cmd-7',
      traceparent: TRACEPARENT,
    });
  });

  it('sends exactly the documented headers: tracestate stays in the body', () => {
    const traced = { ...event, metadata: { ...event.metadata, tracestate: 'vendor=abc' } };
    expect(transform(traced).options.headers).to.deep.equal(message.options.headers);
    expect(transform(traced).envelope.metadata.tracestate).to.equal('vendor=abc');
  });

  it('leaves trace headers out when the event has no trace context', () => {
    const synced = transform(recorded(dreamSynced(DREAM_ID, OCCURRED_AT), { streamId: dreamStreamId(DREAM_ID), revision: 0n, position: 1n }));
    expect(synced.options.headers).to.not.have.property('traceparent');
    expect(synced.options.headers).to.not.have.property('tracestate');
  });

  it('builds the envelope with decimal-string revision and position', () => {
    expect(message.envelope).to.deep.equal({
      eventId: event.id,
      type: 'FragmentCaptured',
      schemaVersion: 1,
      streamId: dreamStreamId(DREAM_ID),
      revision: '18014398509481985',
      position: '1152921504606846981',
      occurredAt: OCCURRED_AT,
      data: event.data,
      metadata: event.metadata,
    });
  });

  it('encodes a body that is a valid EventEnvelope.v1 with valid data', () => {
    const body = JSON.parse(encodeEnvelope(message.envelope).toString('utf8'));
    expect(body).to.deep.equal(message.envelope);
    expect(validateEnvelope(body)).to.deep.equal([]);
    expect(validateEvent(body.type, body.schemaVersion, body.data)).to.deep.equal([]);
  });

  it('is pure: the same event gives the same message', () => {
    expect(transform(event)).to.deep.equal(message);
  });

  it('refuses an event whose metadata lacks a schema version or time', () => {
    const broken = { ...event, metadata: { ...event.metadata, schemaVersion: 0 } };
    expect(() => transform(broken)).to.throw(TransformError, /schemaVersion/);
    const timeless = { ...event, metadata: { ...event.metadata, occurredAt: 'yesterday' } };
    expect(() => transform(timeless)).to.throw(TransformError, /occurredAt/);
  });
});
