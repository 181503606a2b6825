import { expect } from 'chai';
import { PROJECTIONS } from '../../scripts/system.mjs';
import { seededRandom } from '../support/random.js';
import { CommandPlanner } from './commands.js';
import { faultProfile, faultsIn, type Episode } from './profile.js';
import { classifyAnswer, classifyError, retryDelayMs } from './retry-policy.js';

const kills = (episodes: Episode[], service: string) =>
  episodes.reduce((sum, episode) => sum + (episode.kind === 'kill' && episode.targets.includes(service) ? (episode.again ? 2 : 1) : 0), 0);

describe('fault suite: profiles, retry policy and workload', () => {
  it('the full profile kills every process, each projector three times and once mid-batch, and breaks every connection kind', () => {
    const { episodes, commands } = faultProfile('full');
    expect(commands).to.be.at.least(10_000);
    for (const service of ['relay', 'command', 'gateway']) expect(kills(episodes, service), service).to.be.at.least(2);
    for (const projection of PROJECTIONS) {
      expect(kills(episodes, `projector-${projection}`), projection).to.be.at.least(3);
      expect(episodes.some((episode) => episode.kind === 'kill' && episode.again && episode.targets.includes(`projector-${projection}`)), `${projection} mid-batch`).to.equal(true);
    }
    for (const kind of ['broker-connections', 'pg-backends'] as const) expect(episodes.filter((episode) => episode.kind === kind), kind).to.have.length.at.least(3);
    expect(episodes.some((episode) => episode.kind === 'broker-restart')).to.equal(false);
  });

  it('the CI profile injects every kind of fault, fewer times; a broker restart only when asked', () => {
    const { episodes } = faultProfile(undefined);
    expect(new Set(episodes.map((episode) => episode.kind))).to.deep.equal(new Set(['kill', 'pg-backends', 'broker-connections']));
    for (const service of ['relay', 'command', 'gateway']) expect(kills(episodes, service), service).to.equal(1);
    expect(episodes.some((episode) => episode.kind === 'kill' && episode.again)).to.equal(true);
    expect(faultProfile('ci', { brokerRestart: true }).episodes.filter((episode) => episode.kind === 'broker-restart')).to.have.length(2);
    expect(faultsIn({ kind: 'kill', targets: ['a', 'b', 'c'], downMs: 1, again: true })).to.equal(6);
  });

  it('retries outages with the same key and fails on anything else', () => {
    expect(classifyAnswer(201, {})).to.deep.equal({ kind: 'ack' });
    for (const [status, code] of [[503, 'unavailable'], [502, 'bad_gateway'], [429, 'rate_limited'], [409, 'idempotency_key_in_progress'], [409, 'concurrency_conflict']] as const) {
      expect(classifyAnswer(status, { error: { code } }).kind, `${status} ${code}`).to.equal('retry');
    }
    for (const [status, code] of [[500, 'internal'], [422, 'idempotency_key_reused'], [404, 'not_found'], [400, 'validation_failed'], [409, 'dream_exists']] as const) {
      expect(classifyAnswer(status, { error: { code } }).kind, `${status} ${code}`).to.equal('fatal');
    }
    expect(classifyError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).to.deep.equal({ kind: 'retry', reason: 'network ECONNREFUSED' });
    expect(retryDelayMs(1, () => 0)).to.equal(50);
    expect(retryDelayMs(20, () => 1)).to.equal(2_000);
  });

  it('plans the same workload from the same seed, each command with a key of its own', () => {
    const plan = (seed: number) => {
      const planner = new CommandPlanner('c1', seededRandom(seed));
      const dreams: string[] = [];
      return Array.from({ length: 200 }, (_, index) => {
        const request = planner.next(dreams);
        if (request.commands.some((command) => command.creates)) dreams.push(`00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
        return request;
      });
    };
    expect(JSON.stringify(plan(7))).to.equal(JSON.stringify(plan(7)));
    expect(JSON.stringify(plan(7))).to.not.equal(JSON.stringify(plan(8)));
    const keys = plan(7).flatMap((request) => request.commands.map((command) => command.key));
    expect(new Set(keys).size).to.equal(keys.length);
    expect(plan(7).some((request) => request.path === '/sync-sessions')).to.equal(true);
  });
});
