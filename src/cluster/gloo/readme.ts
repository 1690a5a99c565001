/**
 * cluster/README.md of flavor gloo: the install steps in order, with the exact commands and the
 * check after each one. Commands come from Solo's CI-run workshops (solo-io/workshops, "VM
 * integration with Spire", gloo-vm-facts.md §1, §2) and use the same names as the values files.
 * Workspace changes are described as fragments to merge, because the Workspace objects are the
 * operator's and rewriting them whole would drop their other namespaces.
 */
import { shortWorkloadName } from '../../model/find-workload.js';
import type { Model } from '../../model/model.js';
import { dumpYaml } from '../../render/yaml.js';
import { codeSpan } from '../../bundle/markdown-template.js';
import { shellCommand as sh, shq } from '../shell-words.js';
import { listJoinTokenSteps } from '../registration.js';
import { meshReleaseName } from '../names.js';
import { NETWORK_LABEL } from '../gateway-values.js';
import { GLOO_HELM_REPO, GLOO_NAMESPACE, GLOO_SPIRE_DEPLOYMENT, ONBOARD, OTLP_RELAY_PIPELINE } from '../../gloo/facts.js';
import { listGlooGatewayPorts } from './gateway-ports.js';
import { DB_PASSWORD_KEY_PATH } from './platform-values.js';

/** Bundle paths of flavor gloo's values files, relative to cluster/. */
export const GLOO_VALUES_FILES = {
  crds: 'gloo-platform-crds.values.yaml',
  platform: 'gloo-platform.values.yaml',
  managementCrds: 'management/gloo-platform-crds.values.yaml',
  management: 'management/gloo-platform.values.yaml',
  istiod: 'istiod.values.yaml',
  gateway: 'eastwest-gateway.values.yaml',
  mesh: 'mesh-registration.values.yaml',
} as const;

/** Name of the Secret the README has the operator create for the SPIRE datastore password (ours, not the chart's). */
export const DB_SECRET = 'vmonboard-gloo-spire-db';

const block = (...cmds: string[]): string[] => ['```sh', ...cmds, '```', ''];

function createNamespace(ns: string): string {
  return `${sh('kubectl', 'create', 'namespace', ns, '--dry-run=client', '-o', 'yaml')} | kubectl apply -f -`;
}

function helmGloo(release: string, chart: string, version: string, valuesFile: string, install: boolean, extra: string[] = []): string {
  return sh('helm', 'upgrade', ...(install ? ['--install'] : []), release, chart, '--repo', GLOO_HELM_REPO, '--namespace', GLOO_NAMESPACE, '--version', version, '--reuse-values', '-f', valuesFile, ...extra);
}

function managementSection(model: Model, v: string): string[] {
  const mgmt = model.gloo?.managementCluster;
  if (mgmt === undefined || mgmt === model.mesh.clusterName) return [];
  return [
    `## 1. Management cluster \`${mgmt}\``,
    '',
    'Turn the ExternalWorkloads feature gate on in both Gloo charts of the management plane (feature-gates page: "enable the feature gate in both',
    'the gloo-platform chart and the gloo-platform-crds Helm chart"). `--reuse-values` keeps your existing settings.',
    '',
    ...block(
      helmGloo('gloo-platform-crds', 'gloo-platform-crds', v, GLOO_VALUES_FILES.managementCrds, true),
      helmGloo('gloo-platform', 'gloo-platform', v, GLOO_VALUES_FILES.management, false),
    ),
    `Check: \`kubectl get crd externalworkloads.networking.gloo.solo.io\` exists on the management cluster.`,
    '',
  ];
}

function workloadGlooSection(model: Model, v: string): string[] {
  const passwordKey = DB_PASSWORD_KEY_PATH.join('.');
  const setPassword = `--set-string ${passwordKey}="$(kubectl -n ${GLOO_NAMESPACE} get secret ${DB_SECRET} -o jsonpath='{.data.password}' | base64 -d)"`;
  const single = model.gloo?.managementCluster === undefined || model.gloo.managementCluster === model.mesh.clusterName;
  return [
    `## 2. Gloo on the workload cluster \`${model.mesh.clusterName}\``,
    '',
    `\`${GLOO_VALUES_FILES.platform}\` enables the Gloo SPIRE server (trust domain \`${model.mesh.trustDomain}\`, Istio's), its PostgreSQL`,
    `datastore, and the \`${OTLP_RELAY_PIPELINE}\` pipeline that relays the VMs' OTLP metrics to the telemetry gateway${single ? ', plus the feature gate (this cluster is also the management cluster)' : ''}.`,
    '',
    'No documented gloo-platform key reads the datastore password from an existing Secret, so the values file leaves it',
    'empty (and says so in a comment). Keep the password in a Secret of your own and pass it at install time, so it never',
    'enters this bundle or Git; Helm keeps it in its release Secret in the cluster.',
    '',
    ...block(
      createNamespace(GLOO_NAMESPACE),
      `kubectl -n ${GLOO_NAMESPACE} get secret ${DB_SECRET} >/dev/null 2>&1 || kubectl -n ${GLOO_NAMESPACE} create secret generic ${DB_SECRET} --from-literal=password="$(openssl rand -hex 24)"`,
      helmGloo('gloo-platform-crds', 'gloo-platform-crds', v, GLOO_VALUES_FILES.crds, true),
      `${helmGloo('gloo-platform', 'gloo-platform', v, GLOO_VALUES_FILES.platform, false)} \\\n  ${setPassword}`,
    ),
    `Check: \`kubectl -n ${GLOO_NAMESPACE} rollout status deploy/${GLOO_SPIRE_DEPLOYMENT}\`.`,
    '',
    'The Gloo SPIRE server then issues the certificates of the Istio control plane. In the workshops this is a trust-chain',
    'change, not an additive toggle ("The certificates will be generated by the Spire server"): they delete',
    '`istio-system/cacerts` and the `issuedcertificates,podbouncedirectives`, then restart the Istio pods and',
    '`deploy/gloo-mesh-agent`. Plan that change for your cluster before this step.',
    '',
  ];
}

function istioSection(model: Model): string[] {
  const gw = model.gateway;
  const istioNs = model.mesh.istiod.namespace;
  const rev = model.mesh.revision ?? '';
  return [
    '## 3. istiod and the east-west gateway (Solo Istio charts)',
    '',
    `The workshops install Solo's Istio build from its OCI chart repository; set \`SOLO_ISTIO_REPO\` to yours (the workshop form is`,
    `\`oci://us-docker.pkg.dev/gloo-mesh/istio-helm-<repo key>\`) and \`SOLO_ISTIO_VERSION\` to the Solo build of Istio ${model.mesh.istioVersion}.`,
    `\`${GLOO_VALUES_FILES.istiod}\` is a fragment: pass it after your own istiod values (later files win), or compare the two.`,
    '',
    ...block(
      `helm upgrade --install ${shq(model.mesh.istiod.service)} "$SOLO_ISTIO_REPO/istiod" --version "$SOLO_ISTIO_VERSION" -n ${shq(istioNs)} -f '<your-istiod-values.yaml>' -f ${GLOO_VALUES_FILES.istiod} --wait`,
      createNamespace(gw.namespace),
      `helm upgrade --install ${shq(gw.name)} "$SOLO_ISTIO_REPO/gateway" --version "$SOLO_ISTIO_VERSION" -n ${shq(gw.namespace)} -f ${GLOO_VALUES_FILES.gateway} --wait`,
    ),
    `Check: \`kubectl -n ${istioNs} get configmap istio${rev ? `-${rev}` : ''} -o jsonpath='{.data.mesh}'\` contains \`trustDomain: ${model.mesh.trustDomain}\`;`,
    // Label values are free text: the selector is one shell word and the span's fence outgrows any backtick run in it.
    `${codeSpan(sh('kubectl', '-n', gw.namespace, 'get', 'pods', '-l', Object.entries(gw.labels).map(([k, val]) => `${k}=${val}`).join(',')), { inTable: false })} shows the gateway running. Its chart renders no Service`,
    '(`service.type: None`): our chart does, in the next step, with every port Gloo needs.',
    '',
  ];
}

function registrationSection(model: Model): string[] {
  const gw = model.gateway;
  const namespaces = [...new Set(model.workloads.map((w) => w.namespace))].sort();
  return [
    '## 4. East-west Service and ExternalWorkloads (our chart)',
    '',
    'The chart is in `charts/vmonboard-mesh/` beside this file; it does not create the VM namespaces.',
    '',
    ...block(
      ...namespaces.map(createNamespace),
      sh('helm', 'upgrade', '--install', meshReleaseName(model), './charts/vmonboard-mesh', '-n', gw.namespace, '-f', GLOO_VALUES_FILES.mesh),
      sh('helm', 'test', meshReleaseName(model), '-n', gw.namespace),
    ),
    `Check: \`kubectl -n ${gw.namespace} get service ${gw.name}\` lists ports ${listGlooGatewayPorts(model).map((p) => p.port).join(', ')} and its external address is`,
    `\`${gw.address}\` (the address every VM dials); \`kubectl get externalworkloads.networking.gloo.solo.io -n ${namespaces.join(',')}\` lists ${model.workloads.map((w) => `\`${shortWorkloadName(w, model.workloads)}\``).join(', ')}.`,
    '',
  ];
}

function workspaceSection(model: Model): string[] {
  const namespaces = [...new Set(model.workloads.map((w) => w.namespace))].sort();
  const fragment = (v: unknown): string[] => ['```yaml', ...dumpYaml(v).trimEnd().split('\n'), '```', ''];
  return [
    '## 5. Workspaces (management cluster)',
    '',
    'As in the workshops, merge these entries into your own objects (do not apply them as they are: a Workspace lists all of its namespaces).',
    '',
    `The Workspace of the services the VMs talk to gets the VM namespace${namespaces.length > 1 ? 's' : ''}:`,
    '',
    ...fragment({ spec: { workloadClusters: [{ name: model.mesh.clusterName, namespaces: namespaces.map((name) => ({ name })) }] } }),
    `The Workspace of the gateways gets \`${GLOO_NAMESPACE}\` of the workload cluster, "to allow the VM to send metrics to the OTel collector":`,
    '',
    ...fragment({ spec: { workloadClusters: [{ name: model.mesh.clusterName, namespaces: [{ name: model.gateway.namespace }, { name: GLOO_NAMESPACE }] }] } }),
    'Its WorkspaceSettings name the east-west gateway by its labels:',
    '',
    ...fragment({ spec: { options: { eastWestGateways: [{ selector: { labels: { ...model.gateway.labels } } }] } } }),
  ];
}

function joinTokenSection(model: Model): string[] {
  const steps = listJoinTokenSteps(model);
  if (steps.length === 0) return [];
  const out = [
    '## 6. Join tokens',
    '',
    'Each VM onboards with a join token minted for its ExternalWorkload just before it boots (`--ttl 3600` as in the workshops).',
    'The token is a UUID; `--plain=true` keeps the output greppable. Run against the workload cluster:',
    '',
  ];
  for (const s of steps) {
    out.push(
      `### ${s.namespace}/${s.workload} on ${s.platform}`,
      '',
      ...block(
        `${sh('meshctl', 'external-workload', 'gen-token', '--kubecontext', '<workload cluster context>', '--ext-workload', `${s.namespace}/${s.workload}`, '--trust-domain', model.mesh.trustDomain, '--ttl', '3600', '--plain=true')} \\\n  | grep -ioE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'`,
      ),
      `Put the printed UUID in \`${s.tokenPath}\` on the VM (mode 0600, owner root) before its first boot. The payload reads it, passes it to`,
      `\`meshctl ew onboard\` and deletes the file once the output says "${ONBOARD.successMarker}".`,
      '',
    );
  }
  return out;
}

/** Renders cluster/README.md for flavor gloo. */
export function renderGlooClusterReadme(model: Model): string {
  const v = model.gloo?.version ?? '';
  const separate = model.gloo?.managementCluster !== undefined && model.gloo.managementCluster !== model.mesh.clusterName;
  const lines = [
    `# Cluster setup for ${model.name} (Gloo Mesh Enterprise)`,
    '',
    `Generated by vmonboard from ${model.sourceName} — do not edit.`,
    '',
    `Gloo Platform ${v}, Istio ${model.mesh.istioVersion} (revision ${model.mesh.revision ?? '—'}), trust domain \`${model.mesh.trustDomain}\`, workload cluster`,
    `\`${model.mesh.clusterName}\` on network \`${model.mesh.network}\`; VMs on network \`${model.mesh.vmNetwork}\`. See docs/gloo.md of vmonboard for every source.`,
    '',
    '| file | for |',
    '|---|---|',
    ...(separate
      ? [`| \`${GLOO_VALUES_FILES.managementCrds}\`, \`${GLOO_VALUES_FILES.management}\` | the management cluster: the ExternalWorkloads feature gate |`]
      : []),
    `| \`${GLOO_VALUES_FILES.crds}\` | gloo-platform-crds ${v} on the workload cluster: the ExternalWorkloads feature gate |`,
    `| \`${GLOO_VALUES_FILES.platform}\` | gloo-platform ${v} on the workload cluster: Gloo SPIRE server, its datastore, the OTLP relay |`,
    `| \`${GLOO_VALUES_FILES.istiod}\` | istiod: auto-registration, health checks, DNS capture, the settings Gloo needs (fragment) |`,
    `| \`${GLOO_VALUES_FILES.gateway}\` | the east-west gateway, without a Service of its own |`,
    `| \`${GLOO_VALUES_FILES.mesh}\` | \`charts/vmonboard-mesh\`: the east-west Service and the ExternalWorkloads |`,
    '',
    'VMs reach everything through the east-west gateway Service; Gloo Mesh programs the listeners behind its ports:',
    '',
    '| role | port | Service port name | target port |',
    '|---|---|---|---|',
    ...listGlooGatewayPorts(model).map((p) => `| ${p.role} | ${p.port} | \`${p.name}\` | ${p.targetPort} |`),
    '',
    `The Service carries \`${NETWORK_LABEL}: ${model.mesh.network}\`, which istiod uses to find the network's gateway.`,
    '',
    ...managementSection(model, v),
    ...workloadGlooSection(model, v),
    ...istioSection(model),
    ...registrationSection(model),
    ...workspaceSection(model),
    ...joinTokenSection(model),
    '## Offboarding',
    '',
    'Each VM removes itself with its `uninstall.sh`. When the last VM of a workload is gone, delete its ExternalWorkload (as the workshops do):',
    '',
    ...block(...model.workloads.map((w) => sh('kubectl', '-n', w.namespace, 'delete', 'externalworkload', w.name))),
  ];
  // Number the steps in order: the management-cluster step is there only for a separate management cluster.
  let step = 0;
  return lines.map((l) => (/^## \d+\. /.test(l) ? l.replace(/^## \d+\./, `## ${++step}.`) : l)).join('\n');
}
