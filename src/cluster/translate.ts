/**
 * The cluster-side translator: Model → cluster/ files (Helm values for spire, istiod, the
 * east-west gateway and our chart; IAM documents; the install README; our chart itself), then the
 * cross-artifact consistency check over what was written. Pure: reads only the model and the
 * package's own chart files.
 */
import { addOffboardReadme } from './offboard-script.js';
import jsYaml from 'js-yaml';
import type { Model } from '../model/model.js';
import type { BundleBuilder } from '../bundle/bundle.js';
import type { Translator } from '../translate/translator.js';
import { BuildCache } from '../translate/build-cache.js';
import { dumpYaml } from '../render/yaml.js';
import { generatedHeader } from '../render/header.js';
import { buildSpireValues } from './spire-values.js';
import { buildIstiodValues } from './istiod-values.js';
import { buildGatewayValues } from './gateway-values.js';
import { buildMeshValues } from './mesh-values.js';
import { buildIamDocuments } from './iam.js';
import { renderIamReadme } from './iam-readme.js';
import { renderClusterReadme } from './readme.js';
import { readChartFiles } from './chart-files.js';
import { checkClusterConsistency, type ClusterArtifacts } from './consistency.js';
import { readVmUsage } from './vm-usage.js';
import { loadYamlDetached } from '../render/load-detached.js';

/** Bundle directory of everything cluster-side. */
export const CLUSTER_DIR = 'cluster';

/** Bundle paths of the values files, by artifact. */
export const CLUSTER_VALUES_FILES = {
  spire: `${CLUSTER_DIR}/spire.values.yaml`,
  istiod: `${CLUSTER_DIR}/istiod.values.yaml`,
  gateway: `${CLUSTER_DIR}/eastwest-gateway.values.yaml`,
  mesh: `${CLUSTER_DIR}/mesh-registration.values.yaml`,
} as const;

/**
 * Writes one values file with the generated header and a line naming the chart it is for; returns
 * what a reader parses back, detached from the text (held until the consistency check at the end).
 */
function addValues(model: Model, out: BundleBuilder, path: string, chart: string, build: () => unknown, source: string): unknown {
  // Built here, so the values are garbage once dumped: the spire values of 5,000 × 4 are a tree of
  // about 10 MB that would otherwise stay alive beside the text while it is parsed back.
  const text = `${generatedHeader(model)}# Values for ${chart}; see cluster/README.md for the install command.\n${dumpYaml(build())}`;
  out.add(path, text, { source });
  return loadYamlDetached(text);
}

/**
 * Renders flavor istio's cluster side (values, IAM, READMEs, our chart); flavor gloo is rendered
 * by cluster/gloo/translate.ts. The values as a reader parses them back go to the build cache for
 * checkClusterFiles. Reads no VM file.
 */
export const translateClusterValues: Translator = (model, out, cache) => {
  if (model.flavor !== 'istio') return [];
  let diagnostics: ReturnType<typeof buildSpireValues>['diagnostics'] = [];
  const spireValues = (): unknown => {
    const spire = buildSpireValues(model);
    diagnostics = spire.diagnostics;
    return spire.values;
  };
  const parsed: ClusterArtifacts = {
    spire: addValues(model, out, CLUSTER_VALUES_FILES.spire, `the spire chart ${model.spire.chartVersion}`, spireValues, ''),
    istiod: addValues(model, out, CLUSTER_VALUES_FILES.istiod, `the istio/istiod chart ${model.mesh.istioVersion} (a fragment to merge)`, () => buildIstiodValues(model), '/mesh'),
    gateway: addValues(model, out, CLUSTER_VALUES_FILES.gateway, `the istio/gateway chart ${model.mesh.istioVersion}`, () => buildGatewayValues(model), '/eastWestGateway'),
    mesh: addValues(model, out, CLUSTER_VALUES_FILES.mesh, 'charts/vmonboard-mesh (beside this file)', () => buildMeshValues(model), '/workloads'),
  };
  if (cache) cache.clusterArtifacts = parsed;

  const iam = buildIamDocuments(model);
  for (const d of iam) out.add(`${CLUSTER_DIR}/iam/${d.file}`, `${JSON.stringify(d.body, null, 2)}\n`, { source: '/platforms' });
  out.add(`${CLUSTER_DIR}/iam/README.md`, renderIamReadme(model, iam), { source: '/platforms' });
  out.add(`${CLUSTER_DIR}/README.md`, renderClusterReadme(model, { iam: iam.length > 0 }), { source: '' });
  addOffboardReadme(model, out);
  for (const f of readChartFiles()) out.add(`${CLUSTER_DIR}/charts/vmonboard-mesh/${f.path}`, f.content, { source: '' });
  return diagnostics;
};

/**
 * The cross-artifact consistency check (consistency.ts): the cluster values as written against
 * what every VM file uses. Runs after the VM translators and translateClusterValues: it judges
 * the files as written, not as intended. A parallel build hands over what its workers read from
 * the same VM files (BuildCache.vmUsage).
 */
export const checkClusterFiles: Translator = (model, out, cache) => {
  if (model.flavor !== 'istio') return [];
  const text = (path: string): string | undefined => {
    const f = out.get(path);
    if (f === undefined) return undefined;
    return typeof f.content === 'string' ? f.content : Buffer.from(f.content).toString('utf8');
  };
  const parsed: ClusterArtifacts = cache?.clusterArtifacts ?? {
    spire: jsYaml.load(text(CLUSTER_VALUES_FILES.spire) ?? ''),
    istiod: jsYaml.load(text(CLUSTER_VALUES_FILES.istiod) ?? ''),
    gateway: jsYaml.load(text(CLUSTER_VALUES_FILES.gateway) ?? ''),
    mesh: jsYaml.load(text(CLUSTER_VALUES_FILES.mesh) ?? ''),
  };
  const findings = checkClusterConsistency(model, parsed, cache?.vmUsage ?? readVmUsage(model, text));
  // Nothing reads them after this check; at 5,000 × 4 they are tens of MB that the README,
  // rendered next, would otherwise have to find room beside.
  if (cache) {
    cache.clusterArtifacts = undefined;
    cache.vmUsage = undefined;
  }
  return findings;
};

/** The whole cluster side of flavor istio: translateClusterValues, then checkClusterFiles. */
export const translateCluster: Translator = (model, out, cache = new BuildCache()) => [...translateClusterValues(model, out, cache), ...checkClusterFiles(model, out, cache)];
