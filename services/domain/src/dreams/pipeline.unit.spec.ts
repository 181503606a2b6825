import { ConflictError, ValidationError } from '@dreamcatcher/service-kit/errors';
import { expect } from 'chai';
import { DeciderSpecification, DREAM_ID, dreamCreated, metadataOf } from '../testing/index.js';
import { dreamDecider } from './decider.js';
import type { DreamEvent } from './events.js';

const spec = DeciderSpecification.for(dreamDecider);
const metadata = metadataOf();
const integration = metadataOf('pipelineos', ['integration']);
const dreamId = DREAM_ID;

const request = (notes?: string) => ({ type: 'RequestImplementation' as const, data: { dreamId, ...(notes && { notes }) }, metadata });
const requested: DreamEvent = { type: 'ImplementationRequested', data: { dreamId, notes: 'Go' } };
const report = { pipelineosProjectId: 'pl-42', ticketsCreated: 7, agentsAssigned: ['builder'], estimatedCompletion: '2025-06-01T00:00:00.000Z' };
const complete = (fields: Record<string, unknown> = report) => ({
  type: 'CompleteImplementation' as const,
  data: { dreamId, ...fields } as never,
  metadata: integration,
});
const completed: DreamEvent = { type: 'ImplementationCompleted', data: { dreamId, ...report } };

describe('RequestImplementation and CompleteImplementation', () => {
  it('requests an implementation, with notes when given', () => {
    spec.given([dreamCreated()]).when(request('Go')).then([requested]);
    spec.given([dreamCreated()]).when(request()).then([{ type: 'ImplementationRequested', data: { dreamId } }]);
  });

  it('refuses a second request while one is open (409 implementation_already_requested)', () => {
    spec
      .given([dreamCreated(), requested])
      .when(request())
      .thenThrows(ConflictError, (error) => expect(error.code).to.equal('implementation_already_requested'));
  });

  it('accepts a new request once the last one was completed', () => {
    spec.given([dreamCreated(), requested, completed]).when(request('Again')).then([{ type: 'ImplementationRequested', data: { dreamId, notes: 'Again' } }]);
  });

  it('completes the open request', () => {
    spec.given([dreamCreated(), requested]).when(complete()).then([completed]);
  });

  it('defaults to no tickets and no agents', () => {
    spec
      .given([dreamCreated(), requested])
      .when(complete({ pipelineosProjectId: 'pl-1' }))
      .then([{ type: 'ImplementationCompleted', data: { dreamId, pipelineosProjectId: 'pl-1', ticketsCreated: 0, agentsAssigned: [] } }]);
  });

  it('refuses to complete what was never requested (409 implementation_not_requested)', () => {
    spec
      .given([dreamCreated()])
      .when(complete())
      .thenThrows(ConflictError, (error) => {
        expect(error.status).to.equal(409);
        expect(error.code).to.equal('implementation_not_requested');
      });
  });

  it('takes the same completion report again as a no-op, and refuses a different one', () => {
    spec.given([dreamCreated(), requested, completed]).when(complete()).thenNothingHappens();
    spec
      .given([dreamCreated(), requested, completed])
      .when(complete({ ...report, ticketsCreated: 8 }))
      .thenThrows(ConflictError, (error) => expect(error.code).to.equal('implementation_already_completed'));
  });

  it('refuses a blank project id and a negative ticket count', () => {
    spec
      .given([dreamCreated(), requested])
      .when(complete({ pipelineosProjectId: ' ', ticketsCreated: -1 }))
      .thenThrows(ValidationError, (error) =>
        expect(error.violations.map((v) => v.path)).to.have.members(['/pipelineosProjectId', '/ticketsCreated']),
      );
  });
});

describe('ReportSync', () => {
  const sync = (data: Record<string, unknown>) => ({ type: 'ReportSync' as const, data: { dreamId, ...data } as never, metadata: integration });

  it('records a successful sync with its project id', () => {
    spec
      .given([dreamCreated()])
      .when(sync({ status: 'synced', pipelineosProjectId: 'pl-42' }))
      .then([{ type: 'DreamSynced', data: { dreamId, pipelineosProjectId: 'pl-42' } }]);
  });

  it('records a failed sync with its reason', () => {
    spec
      .given([dreamCreated()])
      .when(sync({ status: 'failed', reason: 'PipelineOS is down' }))
      .then([{ type: 'DreamSyncFailed', data: { dreamId, reason: 'PipelineOS is down' } }]);
  });

  it('records every report, a repeated one included', () => {
    const synced: DreamEvent = { type: 'DreamSynced', data: { dreamId, pipelineosProjectId: 'pl-42' } };
    spec.given([dreamCreated(), synced]).when(sync({ status: 'synced', pipelineosProjectId: 'pl-42' })).then([synced]);
  });

  it('refuses an unknown outcome and a blank project id', () => {
    spec.given([dreamCreated()]).when(sync({ status: 'pending' })).thenThrows(ValidationError);
    spec.given([dreamCreated()]).when(sync({ status: 'synced', pipelineosProjectId: '' })).thenThrows(ValidationError);
  });
});

describe('AttachDocument', () => {
  const documentId = 'e0000000-0000-4000-8000-000000000001';
  const document = { documentId, title: 'Spec', fileName: 'spec.pdf', fileType: 'application/pdf', size: 2048 };
  const attach = (fields: Record<string, unknown> = {}) => ({
    type: 'AttachDocument' as const,
    data: { dreamId, ...document, ...fields } as never,
    metadata,
  });

  it('records the document metadata, with a trimmed title', () => {
    spec.given([dreamCreated()]).when(attach({ title: ' Spec ' })).then([{ type: 'DocumentAttached', data: { dreamId, document } }]);
  });

  it('refuses a blank title or file name and a size that is not a whole number of bytes', () => {
    spec
      .given([dreamCreated()])
      .when(attach({ title: ' ', fileName: '', size: 1.5 }))
      .thenThrows(ValidationError, (error) => expect(error.violations.map((v) => v.path)).to.have.members(['/title', '/fileName', '/size']));
    spec.given([dreamCreated()]).when(attach({ size: 1_000_000_001 })).thenThrows(ValidationError);
  });

  it('refuses a document id the dream already holds', () => {
    spec
      .given([dreamCreated(), { type: 'DocumentAttached', data: { dreamId, document } }])
      .when(attach())
      .thenThrows(ConflictError, (error) => expect(error.code).to.equal('document_exists'));
  });
});
