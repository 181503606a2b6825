import { expect } from 'chai';
import { dreamSummaryProjection } from '../dream_summary/projection.js';
import { READ_MODELS_SCHEMA } from '../runtime/names.js';
import { withReaderScope } from '../runtime/reader-scope.js';
import { Clock, DreamScript } from '../testing/dream-script.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { dreamDetailProjection } from './projection.js';
import { getDreamDetail } from './queries.js';

const USER = 'origin-user';
const origin = { client: 'extension' as const, localId: 'dream_local_9' };
const pipelineOSOptions = { createProject: true, createTickets: false, assignAgents: true };

describe('dream_detail and dream_summary: where an imported dream came from', function () {
  this.timeout(20_000);
  const database = useReadModelDatabase('dc_proj_origin');
  const clock = new Clock();
  const v2 = new DreamScript(USER, clock).imported([], [], { origin, pipelineOSOptions });
  // Stored before version 2 existed: schema version 1, no origin, no options.
  const v1 = new DreamScript(USER, clock).imported([], []);
  v1.events[0]!.metadata.schemaVersion = 1;

  before(async () => {
    const events = await appendScripts(database.db.store, [v2, v1]);
    await project(database.db, dreamDetailProjection, events);
    await project(database.db, dreamSummaryProjection, events);
  });

  const detail = (id: string) => withReaderScope(database.db.pool, USER, (client) => getDreamDetail(client, USER, id));
  const summaryRow = async (id: string) =>
    (await database.db.pool.query(`SELECT origin_client, origin_local_id, pipeline_os_options FROM ${READ_MODELS_SCHEMA}.dream_summary WHERE dream_id = $1`, [id])).rows[0];

  it('keeps a v2 import origin and options, and shows them on the dream', async () => {
    expect(await detail(v2.dreamId)).to.deep.include({ origin, pipelineOSOptions });
    expect(await summaryRow(v2.dreamId)).to.deep.equal({ origin_client: 'extension', origin_local_id: 'dream_local_9', pipeline_os_options: pipelineOSOptions });
  });

  it('applies a v1 import as one with neither', async () => {
    const dream = await detail(v1.dreamId);
    expect(dream).to.include({ id: v1.dreamId, title: 'An imported dream' });
    expect(dream).not.to.have.any.keys('origin', 'pipelineOSOptions');
    expect(await summaryRow(v1.dreamId)).to.deep.equal({ origin_client: null, origin_local_id: null, pipeline_os_options: null });
  });
});
