import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from './schema-files.js';
import { downcast, previousVersions, upcast, upcastRecorded, UpcastError } from './upcasters.js';
import { validateEvent } from './validation.js';

const example = (path: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`examples/${path}.json`, PACKAGE_ROOT), 'utf8'));

describe('upcasters', () => {
  it('read a version 1 DreamImported as a valid version 2 with no origin and no options', () => {
    const v1 = example('events/DreamImported.v1');
    const read = upcast({ type: 'DreamImported', schemaVersion: 1, data: v1 });
    expect(read.schemaVersion).to.equal(2);
    expect(read.data).to.deep.equal(v1);
    expect(read.data).not.to.have.any.keys('origin', 'pipelineOSOptions');
    expect(validateEvent('DreamImported', 2, read.data)).to.deep.equal([]);
  });

  it('leave an event already in its current version as it is', () => {
    const v2 = { type: 'DreamImported', schemaVersion: 2, data: example('events/DreamImported.v2') };
    expect(upcast(v2)).to.equal(v2);
    const captured = { type: 'FragmentCaptured', schemaVersion: 1, data: example('events/FragmentCaptured.v1') };
    expect(upcast(captured)).to.equal(captured);
  });

  it('take the stored version from the metadata, absent meaning 1, and never change the stored object', () => {
    const data = example('events/DreamImported.v1');
    const stored = { type: 'DreamImported', data, metadata: { userId: 'u' } as { userId: string; schemaVersion?: number } };
    const read = upcastRecorded(stored);
    expect(read.metadata.schemaVersion).to.equal(2);
    expect(stored.metadata).to.deep.equal({ userId: 'u' });
    expect(read.data).to.not.equal(data);
  });

  it('downcast a version 2 import to a valid version 1 by dropping what version 1 lacks', () => {
    const v2 = example('events/DreamImported.v2');
    const old = downcast({ type: 'DreamImported', schemaVersion: 2, data: v2 }, 1);
    expect(old.schemaVersion).to.equal(1);
    expect(old.data).not.to.have.any.keys('origin', 'pipelineOSOptions');
    expect(validateEvent('DreamImported', 1, old.data)).to.deep.equal([]);
    expect(previousVersions('DreamImported')).to.deep.equal([1]);
    expect(previousVersions('FragmentCaptured')).to.deep.equal([]);
  });

  it('refuse a step nobody registered rather than pass the data through', () => {
    expect(() => downcast({ type: 'FragmentCaptured', schemaVersion: 1, data: {} }, 0)).to.throw(UpcastError);
  });
});
