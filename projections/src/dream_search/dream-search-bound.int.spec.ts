import { expect } from 'chai';
import { withReaderScope } from '../runtime/reader-scope.js';
import { DreamScript } from '../testing/dream-script.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { POISON_CHARS, poisonText } from '../testing/poison-text.js';
import { dreamSummaryProjection } from '../dream_summary/projection.js';
import { dreamSearchProjection } from './projection.js';
import { searchDreams } from './queries.js';

describe('dream_search: a bounded text index', function () {
  this.timeout(60_000);
  const database = useReadModelDatabase('dc_proj_search_bound');
  const owner = 'user-poison';

  it('indexes the start of a fragment too large for a tsvector, and applies the later events of its dream', async () => {
    const content = poisonText('zeppelin');
    expect([...content].length).to.be.at.most(POISON_CHARS);
    const tooLong = await database.db.pool.query("SELECT to_tsvector('english', $1::text)", [content]).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(tooLong, 'the fragment overflows an unbounded tsvector').to.match(/too long for tsvector/);

    const dream = new DreamScript(owner).created({ title: 'Airships' }).captured('Huge', content).detailsChanged({ title: 'Airships again' }).captured('Later', 'dirigible');
    const events = await appendScripts(database.db.store, [dream]);
    // One message at a time, as the projector applies them, and all at once, as a rebuild does.
    await project(database.db, dreamSearchProjection, events, 1);
    await project(database.db, dreamSummaryProjection, events);

    const search = (q: string) => withReaderScope(database.db.pool, owner, (client) => searchDreams(client, owner, q, { limit: 10 }));
    expect((await search('zeppelin')).items.map((hit) => hit.matchedIn)).to.deep.equal(['fragment']);
    expect((await search('dirigible')).items.map((hit) => hit.title)).to.deep.equal(['Airships again']);
  });
});
