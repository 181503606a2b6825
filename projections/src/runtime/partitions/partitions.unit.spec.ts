import { randomUUID } from 'node:crypto';
import {
  brokerDefinitions,
  brokerDefinitionsFor,
  formatPartitionCounts,
  parsePartitionCounts,
  partitionQueue,
  PROJECTION_NAMES,
  projectionQueueDeclaration,
  projectionQueues,
  QUEUE_ARGUMENTS,
} from '@dreamcatcher/service-kit';
import { expect } from 'chai';
import type { ProjectionEvent } from '../events.js';
import { partitionOf, streamHash } from './hash.js';
import { ProjectionPartition } from './partition.js';
import { consumersOf } from './replicas.js';
import { PROJECTIONS } from '../../registry.js';

function event(streamId: string, type = 'FragmentCaptured', position = 1n): { event: ProjectionEvent } {
  return { event: { eventId: randomUUID(), type, data: type === 'UserDataErased' ? { userId: streamId.slice(5) } : {}, metadata: {} as ProjectionEvent['metadata'], streamId, revision: 0n, position } };
}

describe('partitioned projections', () => {
  describe('stream hash', () => {
    it('is 32-bit FNV-1a over UTF-8 (the published test vectors)', () => {
      expect(streamHash('')).to.equal(0x811c9dc5);
      expect(streamHash('a')).to.equal(0xe40c292c);
      expect(streamHash('foobar')).to.equal(0xbf9cf968);
    });

    it('puts every stream in partition 0 of 1, and spreads dream streams evenly over 3', () => {
      expect(partitionOf('dream-anything', 1)).to.equal(0);
      const counts = [0, 0, 0];
      for (let i = 0; i < 3_000; i++) counts[partitionOf(`dream-${randomUUID()}`, 3)]!++;
      for (const count of counts) expect(count).to.be.within(850, 1_150);
    });
  });

  describe('PROJECTION_PARTITIONS', () => {
    it('is empty, a count for every projection of the process, or a count per projection', () => {
      expect([...parsePartitionCounts(undefined)]).to.deep.equal([]);
      expect([...parsePartitionCounts(' ')]).to.deep.equal([]);
      expect([...parsePartitionCounts('1', ['dream_detail'])]).to.deep.equal([]);
      expect([...parsePartitionCounts('3', ['dream_detail', 'catalogue'])]).to.deep.equal([['dream_detail', 3], ['catalogue', 3]]);
      expect([...parsePartitionCounts('dream_detail=3, catalogue=2')]).to.deep.equal([['dream_detail', 3], ['catalogue', 2]]);
      // A process running other projections ignores the entries that are not its own.
      expect([...parsePartitionCounts('dream_detail=3', ['catalogue'])]).to.deep.equal([]);
      expect(formatPartitionCounts(parsePartitionCounts('dream_detail=3,catalogue=1'))).to.equal('dream_detail=3');
    });

    it('refuses malformed values, naming the setting', () => {
      for (const bad of ['0', 'x', '65', 'dream_detail=0', 'nope=3', 'dream_detail', 'dream_detail=3=4', '2.5']) {
        expect(() => parsePartitionCounts(bad), bad).to.throw(/PROJECTION_PARTITIONS/);
      }
    });
  });

  describe('queues', () => {
    it('are exactly the kit\'s single queue with one partition', () => {
      const [queue, ...rest] = projectionQueues('dream_detail', 1);
      expect(rest).to.have.length(0);
      expect(queue).to.deep.include({ ...projectionQueueDeclaration('dream_detail'), arguments: QUEUE_ARGUMENTS });
      expect(queue!.partition).to.equal(undefined);
    });

    it('are N single-active-consumer quorum queues bound to every event, sharing the dead-letter queue', () => {
      const queues = projectionQueues('dream_detail', 3);
      expect(queues.map((q) => q.queue)).to.deep.equal(['dreamcatcher.projection.dream_detail.p0', 'dreamcatcher.projection.dream_detail.p1', 'dreamcatcher.projection.dream_detail.p2']);
      expect(partitionQueue('dream_detail', 2)).to.equal(queues[2]!.queue);
      for (const [index, queue] of queues.entries()) {
        expect(queue.arguments).to.deep.equal({ 'x-queue-type': 'quorum', 'x-single-active-consumer': true });
        expect(queue.bindings).to.deep.equal(['dream.#']);
        expect(queue.deadLetterQueue).to.equal('dreamcatcher.projection.dream_detail.dead-letter');
        expect(queue.deadLetterRoutingKey).to.equal('dreamcatcher.projection.dream_detail');
        expect(queue.partition).to.deep.equal({ index, count: 3 });
      }
    });

    it('give the kit\'s broker definitions when nothing is partitioned, and partition queues otherwise', () => {
      expect(brokerDefinitionsFor(PROJECTION_NAMES, new Map(), 'v')).to.deep.equal(brokerDefinitions([...PROJECTION_NAMES], 'v'));
      const definitions = brokerDefinitionsFor(PROJECTION_NAMES, new Map([['dream_detail', 2]])) as { queues: { name: string; arguments: object }[]; bindings: { destination: string; routing_key: string }[] };
      const names = definitions.queues.map((q) => q.name);
      expect(names).to.include.members(['dreamcatcher.projection.dream_detail.p0', 'dreamcatcher.projection.dream_detail.p1', 'dreamcatcher.projection.dream_detail.dead-letter']);
      expect(names).to.not.include('dreamcatcher.projection.dream_detail');
      expect(names).to.include('dreamcatcher.projection.catalogue');
      expect(definitions.bindings.filter((b) => b.destination.startsWith('dreamcatcher.projection.dream_detail.p')).map((b) => b.routing_key)).to.deep.equal(['dream.#', 'dream.#']);
      expect(definitions.bindings.find((b) => b.destination === 'dreamcatcher.projection.dream_detail.dead-letter')?.routing_key).to.equal('dreamcatcher.projection.dream_detail');
    });
  });

  describe('a process\'s consumers', () => {
    it('are one unpartitioned consumer by default, as before partitioning existed', () => {
      const [consumer, ...rest] = consumersOf(PROJECTIONS.dream_detail, { count: 1 });
      expect(rest).to.have.length(0);
      expect(consumer!.standby).to.equal(false);
      expect(consumer!.options.partition).to.equal(undefined);
      expect(consumer!.options.queue.queue).to.equal('dreamcatcher.projection.dream_detail');
      expect(consumer!.options.deadLetter.routingKey).to.equal('dreamcatcher.projection.dream_detail');
    });

    it('are every partition, standing by on all but the replica\'s own (its index modulo N)', () => {
      const consumers = consumersOf(PROJECTIONS.dream_detail, { count: 3, index: 4 });
      expect(consumers.map((c) => [c.options.partition?.index, c.standby])).to.deep.equal([[0, true], [1, false], [2, true]]);
      expect(consumersOf(PROJECTIONS.dream_detail, { count: 3 }).every((c) => !c.standby)).to.equal(true);
    });
  });

  describe('batches of a partition', () => {
    const [queue] = projectionQueues('dream_detail', 2).slice(1);
    const partition = new ProjectionPartition('dream_detail', { ...queue!, partition: queue!.partition! }, { schema: 'read_models' });

    it('apply only the streams that hash to the partition', () => {
      const streams = Array.from({ length: 50 }, () => `dream-${randomUUID()}`);
      for (const stream of streams) expect(partition.owns(stream)).to.equal(partitionOf(stream, 2) === 1);
      expect(streams.some((stream) => partition.owns(stream))).to.equal(true);
      expect(streams.some((stream) => !partition.owns(stream))).to.equal(true);
    });

    it('are cut so that every erasure starts a segment', () => {
      const items = [event('dream-a'), event('dream-b'), event('user-u', 'UserDataErased'), event('dream-c'), event('user-v', 'UserDataErased'), event('user-w', 'UserDataErased')];
      expect(partition.segments(items).map((segment) => segment.map((item) => item.event.streamId))).to.deep.equal([['dream-a', 'dream-b'], ['user-u', 'dream-c'], ['user-v'], ['user-w']]);
      expect(partition.segments([])).to.deep.equal([]);
    });
  });
});
