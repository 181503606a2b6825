import { dirname, posix } from 'node:path';
import { expect } from 'chai';
import { exists, quantity, readYaml, readYamlDocuments } from './support/files.js';
import { baseManifests, K8S_DIR, ofKind, selects, yamlFiles, type Kustomization, type Manifest } from './support/kubernetes.js';
import { gatewayReadyDependencies, plannedServices } from './support/system-plan.js';
import { findOnPath, runTool, type ToolResult } from './support/tools.js';

const manifests = baseManifests();
const deployments = ofKind(manifests, 'Deployment');
const deployment = (name: string) => deployments.find((candidate) => candidate.metadata.name === name);
type ContainerPort = { name?: string; containerPort: number };
const containerOf = (manifest: Manifest) => manifest.spec.template.spec.containers[0];
const envOf = (manifest: Manifest) => Object.fromEntries((containerOf(manifest).env ?? []).map((e: { name: string; value?: string }) => [e.name, e.value]));

describe('Kubernetes manifests', () => {
  it('parse, every document an object with apiVersion, kind and name', () => {
    const files = yamlFiles();
    expect(files.length).to.be.greaterThan(5);
    for (const file of files) {
      for (const document of readYamlDocuments(file)) {
        if (file.endsWith('/kustomization.yaml')) {
          expect(document.kind, file).to.equal('Kustomization');
          continue;
        }
        expect(document.apiVersion, file).to.be.a('string');
        expect(document.kind, file).to.be.a('string');
        expect((document.metadata as { name?: string } | undefined)?.name, file).to.be.a('string');
      }
    }
  });

  it('list every file of their folder in the kustomization, and only files that exist', () => {
    const kustomizations = yamlFiles().filter((path) => path.endsWith('/kustomization.yaml'));
    expect(kustomizations).to.include.members([`${K8S_DIR}/base/kustomization.yaml`, `${K8S_DIR}/overlays/production/kustomization.yaml`]);
    for (const path of kustomizations) {
      const dir = dirname(path);
      const kustomization = readYaml<Kustomization>(path);
      const listed = [...(kustomization.resources ?? []), ...(kustomization.patches ?? []).flatMap((patch) => (patch.path ? [patch.path] : []))];
      for (const entry of listed) expect(exists(posix.join(dir, entry)), `${path} lists ${entry}`).to.equal(true);
      const owned = yamlFiles(dir).filter((file) => file !== path && !kustomizations.some((other) => other !== path && file.startsWith(`${dirname(other)}/`)));
      const listedFiles = listed.map((entry) => posix.join(dir, entry));
      for (const file of owned) expect(listedFiles, `${path} should list ${file}`).to.include(file);
    }
  });

  it('run every process of the system plan as a Deployment with a Service, with the plan\'s command', () => {
    for (const planned of plannedServices()) {
      const found = deployment(planned.name);
      expect(found, `Deployment ${planned.name}`).to.not.equal(undefined);
      expect(containerOf(found!).command, planned.name).to.deep.equal(planned.command);
      if (planned.plan.env.PROJECTIONS) expect(envOf(found!).PROJECTIONS, planned.name).to.equal(planned.plan.env.PROJECTIONS);
      const service = ofKind(manifests, 'Service').find((candidate) => candidate.metadata.name === planned.name);
      expect(service, `Service ${planned.name}`).to.not.equal(undefined);
      expect(selects({ matchLabels: service!.spec.selector }, found!.spec.template.metadata.labels), `Service ${planned.name} selects its pods`).to.equal(true);
    }
    expect(deployments.map((d) => d.metadata.name).sort()).to.deep.equal(plannedServices().map((p) => p.name).sort());
  });

  it('point the gateway at the command service and every Service the plan makes it wait for', () => {
    const env = envOf(deployment('gateway')!);
    expect(env.COMMAND_SERVICE_URL).to.equal('http://command:8080');
    expect(env.READY_DEPENDENCIES?.split(',')).to.deep.equal(gatewayReadyDependencies().map((name) => `http://${name}:8080`));
  });

  it('probe liveness on /health and readiness on /ready, on a container port', () => {
    for (const manifest of deployments) {
      const container = containerOf(manifest);
      const ports = (container.ports ?? []).flatMap((port: ContainerPort) => [port.name, port.containerPort]);
      const probePort = (probe: { httpGet?: { port?: string | number } }) => probe?.httpGet?.port;
      expect(container.livenessProbe?.httpGet?.path, manifest.metadata.name).to.equal('/health');
      expect(container.readinessProbe?.httpGet?.path, manifest.metadata.name).to.equal('/ready');
      for (const probe of [container.livenessProbe, container.readinessProbe]) expect(ports, manifest.metadata.name).to.include(probePort(probe));
    }
  });

  it("probe the gateway's readiness and scrape its metrics on its ops port, which its Service does not expose", () => {
    const gateway = deployment('gateway')!;
    const container = containerOf(gateway);
    const ops = container.ports?.find((port: ContainerPort) => port.name === 'ops');
    expect(String(ops?.containerPort)).to.equal(envOf(gateway).OPS_PORT);
    expect(container.readinessProbe?.httpGet?.port).to.equal('ops');
    expect(gateway.spec.template.metadata.annotations?.['prometheus.io/port']).to.equal(String(ops?.containerPort));
    const service = ofKind(manifests, 'Service').find((candidate) => candidate.metadata.name === 'gateway')!;
    expect(service.spec.ports.map((port: { targetPort?: unknown }) => port.targetPort)).not.to.include('ops');
  });

  it('size every container for a ~200 MB process: requests and limits for CPU and memory', () => {
    for (const manifest of deployments) {
      const { requests, limits } = containerOf(manifest).resources ?? {};
      for (const key of ['cpu', 'memory']) {
        expect(requests?.[key], `${manifest.metadata.name} requests.${key}`).to.not.equal(undefined);
        expect(limits?.[key], `${manifest.metadata.name} limits.${key}`).to.not.equal(undefined);
      }
      expect(quantity(requests.memory), manifest.metadata.name).to.be.at.least(200 * 1024 ** 2);
      expect(quantity(limits.memory), manifest.metadata.name).to.be.greaterThan(quantity(requests.memory));
    }
  });

  it('run unprivileged: non-root, read-only root filesystem, no capabilities, no escalation', () => {
    for (const manifest of deployments) {
      const pod = manifest.spec.template.spec;
      const container = containerOf(manifest);
      expect(pod.securityContext?.runAsNonRoot, manifest.metadata.name).to.equal(true);
      expect(pod.securityContext?.runAsUser, manifest.metadata.name).to.be.greaterThan(0);
      expect(container.securityContext?.readOnlyRootFilesystem, manifest.metadata.name).to.equal(true);
      expect(container.securityContext?.allowPrivilegeEscalation, manifest.metadata.name).to.equal(false);
      expect(container.securityContext?.capabilities?.drop, manifest.metadata.name).to.include('ALL');
    }
  });

  it('give every Deployment a PodDisruptionBudget, one that a drain can satisfy for a single replica', () => {
    const budgets = ofKind(manifests, 'PodDisruptionBudget');
    for (const manifest of deployments) {
      const matching = budgets.filter((budget) => selects(budget.spec.selector, manifest.spec.template.metadata.labels));
      expect(matching, `PDB for ${manifest.metadata.name}`).to.have.length(1);
      const autoscaler = ofKind(manifests, 'HorizontalPodAutoscaler').find((hpa) => hpa.spec.scaleTargetRef.name === manifest.metadata.name);
      if ((autoscaler?.spec.minReplicas ?? manifest.spec.replicas ?? 1) === 1) {
        const { minAvailable, maxUnavailable } = matching[0]!.spec;
        expect(minAvailable === 0 || (maxUnavailable ?? 0) >= 1, `${manifest.metadata.name}: a single replica must stay evictable`).to.equal(true);
      }
    }
  });

  it('scale the gateway and the command service horizontally, and leave the replica count to the autoscaler', () => {
    for (const name of ['gateway', 'command']) {
      const autoscaler = ofKind(manifests, 'HorizontalPodAutoscaler').find((hpa) => hpa.spec.scaleTargetRef.name === name);
      expect(autoscaler, `HPA for ${name}`).to.not.equal(undefined);
      expect(autoscaler!.spec.scaleTargetRef.kind).to.equal('Deployment');
      expect(autoscaler!.spec.minReplicas, name).to.be.at.least(2);
      expect(deployment(name)!.spec.replicas, `${name} replicas belong to the HPA`).to.equal(undefined);
    }
  });

  it('run the relay as active + standby, and each projector as exactly one consumer of its queue', () => {
    expect(deployment('relay')!.spec.replicas).to.equal(2);
    for (const planned of plannedServices().filter((p) => p.plan.env.PROJECTIONS)) {
      const projector = deployment(planned.name)!;
      expect(projector.spec.replicas, planned.name).to.equal(1);
      expect(projector.spec.strategy?.type, `${planned.name} never runs two pods at once`).to.equal('Recreate');
    }
  });

  it('take configuration from the ConfigMap and secrets from keys the Secret defines', () => {
    const configMaps = ofKind(manifests, 'ConfigMap').map((m) => m.metadata.name);
    const secret = ofKind(manifests, 'Secret')[0]!;
    for (const manifest of deployments) {
      const container = containerOf(manifest);
      for (const source of container.envFrom ?? []) expect(configMaps, manifest.metadata.name).to.include(source.configMapRef?.name);
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name, manifest.metadata.name).to.equal(secret.metadata.name);
        expect(Object.keys(secret.stringData ?? {}), `${manifest.metadata.name} ${variable.name}`).to.include(ref.key);
      }
    }
    expect(ofKind(manifests, 'ConfigMap')[0]!.data?.NODE_ENV).to.equal('production');
  });

  describe('kubectl kustomize', () => {
    const tool = findOnPath('kubectl');
    const rendered = new Map<string, ToolResult>();
    before(async function () {
      if (!tool) {
        console.log('      skipped: kubectl is not installed here; the checks above read the files directly');
        this.skip();
      }
      const dirs = [`${K8S_DIR}/base`, `${K8S_DIR}/overlays/production`];
      const results = await Promise.all(dirs.map((dir) => runTool(tool!, ['kustomize', dir])));
      dirs.forEach((dir, i) => rendered.set(dir, results[i]!));
    });
    const render = (dir: string) => {
      const result = rendered.get(dir)!;
      expect(result.stderr, dir).to.equal('');
      expect(result.status, dir).to.equal(0);
      return result.stdout;
    };

    it('renders the base with every Deployment', () => {
      expect(render(`${K8S_DIR}/base`).match(/^kind: Deployment$/gm)).to.have.length(deployments.length);
    });

    it('renders production in its namespace, with a pinned image and without the placeholder Secret', () => {
      const output = render(`${K8S_DIR}/overlays/production`);
      expect(output).to.not.match(/^kind: Secret$/m);
      // A partitioned projector runs as a StatefulSet in place of its Deployment.
      const statefulSets = output.match(/^kind: StatefulSet$/gm)?.length ?? 0;
      expect(output.match(/^kind: Deployment$/gm)).to.have.length(deployments.length - statefulSets);
      expect(output).to.not.match(/image: dreamcatcher\/backend(:latest)?$/m);
      expect(output.match(/^ {2}namespace: dreamcatcher$/gm)?.length).to.be.greaterThan(deployments.length);
    });
  });
});
