/** The Kubernetes manifests of infra/k8s, as plain objects. */
import { filesUnder, readYamlDocuments } from './files.js';

export const K8S_DIR = 'infra/k8s';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: any;
}

export interface Kustomization {
  resources?: string[];
  patches?: { path?: string; patch?: string }[];
  [key: string]: unknown;
}

export function yamlFiles(dir = K8S_DIR): string[] {
  return filesUnder(dir, (path) => /\.ya?ml$/.test(path));
}

/** Every manifest of the base (what an overlay starts from), by file. */
export function baseManifests(): Manifest[] {
  return yamlFiles(`${K8S_DIR}/base`)
    .filter((path) => !path.endsWith('/kustomization.yaml'))
    .flatMap((path) => readYamlDocuments(path) as Manifest[]);
}

export function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((manifest) => manifest.kind === kind);
}

/** Whether a label selector's matchLabels all hold for `labels`. */
export function selects(selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string> = {}): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels[key] === value);
}
