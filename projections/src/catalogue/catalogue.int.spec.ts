import { expect } from 'chai';
import { withReaderScope } from '../runtime/reader-scope.js';
import { appendScripts, project, useReadModelDatabase } from '../testing/harness.js';
import { mixedWorkload, USER_A, USER_B } from '../testing/workload.js';
import { DEFAULT_BRANDS, DEFAULT_TAGS } from './defaults.js';
import { catalogueProjection } from './projection.js';
import { listBrands, listTags } from './queries.js';

describe('catalogue', function () {
  this.timeout(20_000);
  const database = useReadModelDatabase('dc_proj_catalogue');

  before(async () => {
    await project(database.db, catalogueProjection, await appendScripts(database.db.store, mixedWorkload().scripts), 2);
  });

  const as = <T>(user: string, work: Parameters<typeof withReaderScope<T>>[2]) => withReaderScope(database.db.pool, user, work);

  it('lists every default brand with the caller\'s usage', async () => {
    const { items } = await as(USER_A, (client) => listBrands(client, USER_A));
    expect(items.map((brand) => brand.id)).to.deep.equal(DEFAULT_BRANDS.map((brand) => brand.brand));
    expect(Object.fromEntries(items.map((brand) => [brand.id, brand.dreamCount]))).to.deep.equal({ personal: 1, 'bc-innovations': 1, 'bc-studio': 0, mpgworldwide: 0, accordingto: 0 });
    expect(items.find((brand) => brand.id === 'accordingto')).to.deep.include({ name: 'According To', color: '#A855F7' });
  });

  it("lists default tags, then the caller's own, with usage counts that follow tagging and deletion", async () => {
    const tags = async (user: string) => (await as(user, (client) => listTags(client, user))).items;
    const a = await tags(USER_A);
    expect(a.slice(0, DEFAULT_TAGS.length).map((tag) => tag.id)).to.deep.equal(DEFAULT_TAGS.map((tag) => tag.tag));
    const used = Object.fromEntries(a.filter((tag) => tag.dreamCount > 0).map((tag) => [tag.id, tag.dreamCount]));
    // 'space' was untagged and 'temporary' belonged to a deleted dream.
    expect(used).to.deep.equal({ ai: 1, coding: 1, design: 1, content: 1 });
    expect(a).to.have.length(DEFAULT_TAGS.length);
    expect(a.find((tag) => tag.id === 'ai')).to.deep.include({ name: 'AI', category: 'technology', isDefault: true });
    const b = await tags(USER_B);
    expect(b.at(-1)).to.deep.equal({ id: 'gardening', name: 'gardening', color: null, category: null, isDefault: false, dreamCount: 1 });
    expect(b.find((tag) => tag.id === 'ai')!.dreamCount).to.equal(1);
  });
});
