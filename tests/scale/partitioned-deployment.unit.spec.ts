/**
 * The production overlay runs a partitioned projector the way the runtime expects: as many
 * replicas as the shared PROJECTION_PARTITIONS gives its projection, each told its ordinal,
 * started together, in place of the base Deployment, behind the base Service; and the relay
 * reads the same setting, so it declares the partition queues the replicas consume.
 */
import { expect } from 'chai';
import { parsePartitionCounts, projectionQueues } from '@dreamcatcher/service-kit';
import { readYaml, readYamlDocuments } from '../deploy/support/files.js';
import { baseManifests, ofKind, selects, type Kustomization, type Manifest } from '../deploy/support/kubernetes.js';

const OVERLAY = 'infra/k8s/overlays/production';
const kustomization = readYaml<Kustomization>(`${OVERLAY}/kustomization.yaml`);
const overlayDocuments = (kustomization.resources ?? []).filter((path) => path.endsWith('.yaml') && !path.startsWith('..')).flatMap((path) => readYamlDocuments(`${OVERLAY}/${path}`) as Manifest[]);
const patches = (kustomization.patches ?? []).flatMap((patch) => (patch.path ? (readYamlDocuments(`${OVERLAY}/${patch.path}`) as Manifest[]) : []));
const config = patches.find((patch) => patch.kind === 'ConfigMap')!;
const statefulSets = ofKind(overlayDocuments, 'StatefulSet');
const envOf = (manifest: Manifest) => manifest.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: any }[];

describe('a partitioned projector in the production overlay', () => {
  it('is a StatefulSet with one replica per partition of its projection, each told its ordinal', () => {
    expect(statefulSets, 'partitioned projectors').to.have.length.greaterThan(0);
    const counts = parsePartitionCounts(config.data?.PROJECTION_PARTITIONS);
    for (const set of statefulSets) {
      const env = envOf(set);
      const projection = env.find((entry) => entry.name === 'PROJECTIONS')?.value ?? '';
      expect(counts.get(projection), `${set.metadata.name}: PROJECTION_PARTITIONS names ${projection}`).to.be.greaterThan(1);
      expect(set.spec.replicas, set.metadata.name).to.equal(counts.get(projection));
      expect(env.find((entry) => entry.name === 'PROJECTION_PARTITION_INDEX')?.valueFrom?.fieldRef?.fieldPath).to.equal("metadata.labels['apps.kubernetes.io/pod-index']");
      expect(set.spec.podManagementPolicy, 'replicas start together, each first on its own partition').to.equal('Parallel');
      expect(projectionQueues(projection, counts.get(projection)).map((queue) => queue.queue)).to.have.length(set.spec.replicas);
    }
  });

  it('replaces the base Deployment of the same name, behind the base Service and disruption budget', () => {
    const base = baseManifests();
    for (const set of statefulSets) {
      expect(patches.some((patch) => patch.$patch === 'delete' && patch.kind === 'Deployment' && patch.metadata.name === set.metadata.name), `${set.metadata.name}: the Deployment is deleted`).to.equal(true);
      const labels = set.spec.template.metadata.labels;
      expect(ofKind(base, 'Service').some((service) => service.metadata.name === set.metadata.name && selects({ matchLabels: service.spec.selector }, labels))).to.equal(true);
      expect(ofKind(base, 'PodDisruptionBudget').some((budget) => selects(budget.spec.selector, labels))).to.equal(true);
      const governing = ofKind(overlayDocuments, 'Service').find((service) => service.metadata.name === set.spec.serviceName);
      expect(governing?.spec.clusterIP, 'a headless governing Service').to.equal('None');
    }
  });

  it('shares its setting with the relay, which declares the partition queues', () => {
    const relay = ofKind(baseManifests(), 'Deployment').find((deployment) => deployment.metadata.name === 'relay')!;
    expect(relay.spec.template.spec.containers[0].envFrom.map((source: { configMapRef?: { name: string } }) => source.configMapRef?.name)).to.include(config.metadata.name);
    for (const set of statefulSets) expect(set.spec.template.spec.containers[0].envFrom.map((source: { configMapRef?: { name: string } }) => source.configMapRef?.name)).to.include(config.metadata.name);
  });
});
