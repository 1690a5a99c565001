/**
 * The cluster-side translator of flavor gloo: Model → cluster/ files (gloo-platform and
 * gloo-platform-crds values for the workload cluster and, when separate, the management cluster;
 * the istiod fragment; the east-west gateway values; our chart's values with the ExternalWorkloads
 * and the east-west Service; the install README; our chart itself). Pure: reads only the model and
 * the package's own chart files. Flavor istio is rendered by src/cluster/translate.ts.
 */
import { addOffboardReadme } from '../offboard-script.js';
import jsYaml from 'js-yaml';
import type { Model } from '../../model/model.js';
import type { BundleBuilder } from '../../bundle/bundle.js';
import type { Translator } from '../../translate/translator.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { dumpYaml } from '../../render/yaml.js';
import { generatedHeader } from '../../render/header.js';
import { readChartFiles } from '../chart-files.js';
import { CLUSTER_DIR } from '../translate.js';
import { GLOO_HELM_REPO } from '../../gloo/facts.js';
import { buildGlooPlatformValues, insertPasswordComment } from './platform-values.js';
import { buildGlooIstiodValues } from './istiod-values.js';
import { buildGlooGatewayValues } from './gateway-values.js';
import { buildGlooMeshValues } from './mesh-values.js';
import { unsupportedPlacements } from './external-workloads.js';
import { GLOO_VALUES_FILES, DB_SECRET, renderGlooClusterReadme } from './readme.js';

type Unlocated = Diagnostic & { atKey?: boolean };

/** The comment above the datastore password in gloo-platform.values.yaml. */
export const DB_PASSWORD_COMMENT = [
  'REPLACE AT INSTALL TIME: no documented gloo-platform key reads this password from an existing Secret,',
  `so it is left empty here; the gloo-platform step of cluster/README.md passes it with --set-string from the Secret ${DB_SECRET}.`,
] as const;

function text(model: Model, chart: string, values: unknown): string {
  return `${generatedHeader(model)}# Values for ${chart}; see cluster/README.md for the install command.\n${dumpYaml(values)}`;
}

/** Renders flavor gloo's cluster side; returns the datastore-password warning (and errors for what no source covers). */
export const translateGlooCluster: Translator = (model, out) => {
  if (model.flavor !== 'gloo' || !model.gloo) return [];
  const diagnostics: Unlocated[] = [];
  for (const w of model.workloads) {
    for (const p of unsupportedPlacements(model, w)) {
      // The rules reject these specs first (GLOO_UNSUPPORTED); this guards the translator itself.
      diagnostics.push({ severity: 'error', code: 'GLOO_VM_UNSUPPORTED', pointer: p.pointer, message: `platform "${p.name}" attests with ${p.attestation.type}, but Gloo VMs are only documented with join tokens (meshctl --attestor token)` });
    }
  }
  if (diagnostics.length > 0) return diagnostics;
  const v = model.gloo.version;
  const values = buildGlooPlatformValues(model);
  const add = (rel: string, content: string, source: string): void => {
    // Every file must read back: a comment insertion that broke the YAML would fail here, not at install time.
    jsYaml.load(content);
    out.add(`${CLUSTER_DIR}/${rel}`, content, { source });
  };
  add(GLOO_VALUES_FILES.crds, text(model, `the gloo-platform-crds chart ${v} (${GLOO_HELM_REPO}), workload cluster`, values.workloadCrds), '/gloo');
  add(GLOO_VALUES_FILES.platform, insertPasswordComment(text(model, `the gloo-platform chart ${v} (${GLOO_HELM_REPO}), workload cluster`, values.workload), DB_PASSWORD_COMMENT), '/gloo');
  if (values.management) {
    add(GLOO_VALUES_FILES.managementCrds, text(model, `the gloo-platform-crds chart ${v}, management cluster ${model.gloo.managementCluster ?? ''}`, values.management.crds), '/gloo/managementCluster');
    add(GLOO_VALUES_FILES.management, text(model, `the gloo-platform chart ${v}, management cluster ${model.gloo.managementCluster ?? ''}`, values.management.platform), '/gloo/managementCluster');
  }
  add(GLOO_VALUES_FILES.istiod, text(model, `the Solo istiod chart ${model.mesh.istioVersion} (a fragment to merge)`, buildGlooIstiodValues(model)), '/mesh');
  add(GLOO_VALUES_FILES.gateway, text(model, `the Solo istio gateway chart ${model.mesh.istioVersion}`, buildGlooGatewayValues(model)), '/eastWestGateway');
  add(GLOO_VALUES_FILES.mesh, text(model, 'charts/vmonboard-mesh (beside this file)', buildGlooMeshValues(model)), '/workloads');
  out.add(`${CLUSTER_DIR}/README.md`, renderGlooClusterReadme(model), { source: '' });
  addOffboardReadme(model, out);
  for (const f of readChartFiles()) out.add(`${CLUSTER_DIR}/charts/vmonboard-mesh/${f.path}`, f.content, { source: '' });
  diagnostics.push({
    severity: 'warning',
    code: 'GLOO_SPIRE_DB_PASSWORD',
    pointer: '/gloo',
    message: `no documented gloo-platform key reads the SPIRE datastore password from an existing Secret; ${CLUSTER_DIR}/${GLOO_VALUES_FILES.platform} leaves it empty, and cluster/README.md passes it at install time from the Secret ${DB_SECRET}`,
  });
  return diagnostics;
};
