import { expect } from 'chai';
import { withReaderScope } from '../runtime/reader-scope.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload, USER_A, USER_B, type MixedWorkload } from '../testing/workload.js';
import { dreamSearchProjection } from './projection.js';
import { searchDreams } from './queries.js';

describe('dream_search', function () {
  this.timeout(20_000);
  const database = useReadModelDatabase('dc_proj_search');
  let workload: MixedWorkload;

  before(async () => {
    workload = mixedWorkload();
    workload.b1.captured('Markup', 'Tomatoes & basil pesto where 5 < 6 <img src=x onerror=alert(1)>');
    await project(database.db, dreamSearchProjection, await appendScripts(database.db.store, workload.scripts), 5);
  });

  const search = (user: string, q: string) => withReaderScope(database.db.pool, user, (client) => searchDreams(client, user, q, { limit: 10 }));

  it('finds dreams by fragment content, with a marked snippet', async () => {
    const { items } = await search(USER_A, 'kerosene');
    expect(items).to.have.length(1);
    expect(items[0]).to.deep.include({ id: workload.a1.dreamId, title: 'Build a rocket', matchedIn: 'fragment', fragmentId: workload.ids.f1, matchingFragments: 1 });
    expect(items[0]!.snippet).to.contain('<mark>kerosene</mark>');
    expect(items[0]!.rank).to.be.greaterThan(0);
  });

  it('finds dreams by title and description, and follows edits and removals', async () => {
    expect((await search(USER_A, 'bakery')).items.map((hit) => [hit.id, hit.matchedIn])).to.deep.equal([[workload.a2.dreamId, 'dream']]);
    expect((await search(USER_A, 'makers')).items.map((hit) => hit.id)).to.deep.equal([workload.a1.dreamId]);
    // "hobbyists" was edited out of the description, "parachutes" was in a removed fragment, a3 is deleted.
    for (const gone of ['hobbyists', 'parachutes', 'soon gone']) expect((await search(USER_A, gone)).items, gone).to.deep.equal([]);
  });

  it('understands web search syntax and ranks stronger matches first', async () => {
    expect((await search(USER_A, 'bread OR rocket')).items.map((hit) => hit.id).sort()).to.deep.equal([workload.a1.dreamId, workload.a2.dreamId].sort());
    // Each text (the dream's own, each fragment) matches on its own: "-walnuts" rules out the fragment that has them.
    expect((await search(USER_A, 'banana -walnuts')).items).to.deep.equal([]);
    expect((await search(USER_A, '"banana bread"')).items.map((hit) => hit.id)).to.deep.equal([workload.a2.dreamId]);
    expect((await search(USER_A, '   ')).items).to.deep.equal([]);
  });

  it("never returns another user's dreams, and escapes snippets", async () => {
    expect((await search(USER_A, 'tomatoes')).items).to.deep.equal([]);
    const { items } = await search(USER_B, 'basil');
    expect(items.map((hit) => hit.id)).to.deep.equal([workload.b1.dreamId]);
    expect(items[0]!.matchingFragments).to.equal(2);
    const markup = (await search(USER_B, 'pesto')).items[0]!.snippet;
    expect(markup).to.contain('<mark>pesto</mark>');
    expect(markup).to.not.contain('<img');
    expect(markup).to.contain('&amp; basil <mark>pesto</mark> where 5 &lt; 6 &lt;img src=x');
  });
});
