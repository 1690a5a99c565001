/**
 * The bundle README.md translator: instructions for the person applying the bundle, built from
 * the model and from one fact of the per-VM translators' output: which payload file each VM
 * directory holds (raw, or compressed to fit its platform: src/delivery/fit-payload.ts), so the
 * README names the file to attach. It runs after them (translators.ts). Prose
 * lives in templates/bundle/README.md.hbs; this file builds its context.
 */
import { listOffboardScripts } from '../cluster/offboard.js';
import type { Delivery, Model, PlatformKind, PlatformModel, PortRole, WorkloadKey, WorkloadModel } from '../model/model.js';
import type { BundleBuilder } from './bundle.js';
import { locatePayload, PAYLOAD_FILE, VM_SCRIPTS, vmDir, type PayloadEncoding } from './layout.js';
import { listFirewallRules } from './firewall.js';
import { MANIFEST_FILE } from './manifest.js';
import { shortWorkloadName } from '../model/find-workload.js';
import { renderMarkdownTemplate } from './markdown-template.js';
import { GLOO_NAMESPACE, GLOO_SPIRE_DEPLOYMENT, OTLP_RELAY_PIPELINE } from '../gloo/facts.js';

/** Path of the bundle README. */
export const README_FILE = 'README.md';

/** How the payload of one delivery on one platform kind reaches a new VM. */
function deliveryHow(kind: PlatformKind, delivery: Delivery): string {
  if (delivery === 'shell') return 'copy the directory to the host and run the payload as root';
  if (delivery === 'startup-script') return 'GCE instance metadata key startup-script (runs on every boot; the script is idempotent)';
  if (kind === 'aws') return 'EC2 user data (launch template or RunInstances)';
  if (kind === 'azure') return 'Azure custom data (osProfile.customData)';
  if (kind === 'gcp') return 'GCE instance metadata key user-data (Ubuntu images with cloud-init)';
  return 'cloud-init user data (NoCloud seed)';
}

/** Which payload file a VM directory holds: its bundle path and encoding. */
export type PayloadLookup = (workload: WorkloadKey, p: PlatformModel) => { path: string; encoding: PayloadEncoding };

/** The lookup of a model alone: every payload raw (what a bundle holds unless a payload was over its limit). */
const rawPayloads: PayloadLookup = (workload, p) => ({ path: `${vmDir(workload, p.name)}/${PAYLOAD_FILE[p.delivery]}`, encoding: 'raw' });

/**
 * How to attach a compressed payload, per platform (cloud-init.md §1.1–§1.3): the EC2 API and the
 * AWS CLI take the bytes (`fileb://` sends them unchanged and the CLI base64s them; cloud-init
 * decompresses gzip by its magic bytes); Azure's customData is the base64 of the bytes; GCE's
 * user-data value is the base64 text itself, beside `user-data-encoding: base64`. Empty for a raw payload.
 */
function attachCompressed(kind: PlatformKind, payload: string, encoding: PayloadEncoding): { note: string; argv: string[] } | '' {
  if (encoding === 'raw') return '';
  const over = 'The raw payload is over the platform\'s user-data limit, so this bundle holds it';
  if (encoding === 'gzip+base64') {
    return {
      note: `${over} gzipped and base64-encoded. Set it as the metadata value user-data with the key user-data-encoding set to base64 beside it, or cloud-init reads it as plain text; cloud-init then decodes and decompresses it`,
      argv: ['gcloud', 'compute', 'instances', 'create', '<instance>', `--metadata-from-file=user-data=${payload}`, '--metadata=user-data-encoding=base64'],
    };
  }
  if (kind === 'azure') {
    return {
      note: `${over} gzipped; cloud-init decompresses it on boot. osProfile.customData takes the base64 of these bytes`,
      argv: ['base64', '-w0', payload],
    };
  }
  return {
    note: `${over} gzipped; cloud-init decompresses it on boot. Pass the bytes as they are: with the AWS CLI, fileb:// (not file://) reads them unchanged and base64-encodes them itself`,
    argv: ['aws', 'ec2', 'run-instances', '--launch-template', 'LaunchTemplateId=<launch-template-id>', '--user-data', `fileb://${payload}`],
  };
}

/**
 * One VM kind (workload × platform) row, with the commands the README shows. Names are unique per
 * namespace only (issue 16): a workload whose name another namespace also has is shown, and passed
 * to `--workload`, as `<namespace>/<name>`; a unique name stays plain, as the commands accept it.
 */
function vmRow(model: Model, w: WorkloadModel, p: PlatformModel, payloads: PayloadLookup) {
  const dir = vmDir(w, p.name);
  const workload = shortWorkloadName(w, model.workloads);
  const { path: payload, encoding } = payloads(w, p);
  const cloud = p.delivery !== 'shell';
  return {
    workload,
    platform: p.name,
    kind: p.kind,
    delivery: p.delivery,
    dir,
    payload,
    how: deliveryHow(p.kind, p.delivery),
    compressed: attachCompressed(p.kind, payload, encoding),
    cloud,
    bake: p.bake,
    bakeScript: `${dir}/${VM_SCRIPTS.bake}`,
    userdataArgv: ['vmonboard', 'userdata', model.sourceName, '--workload', workload, '--platform', p.name],
    launchTemplateArgv: ['vmonboard', 'aws', 'launch-template', model.sourceName, '--workload', workload, '--platform', p.name, '--template', '<launch-template-id>'],
    aws: p.kind === 'aws' && p.delivery === 'cloud-init',
    installArgv: ['sudo', 'bash', PAYLOAD_FILE[p.delivery]],
    joinToken: p.attestation.type === 'join_token',
    nodeAliasId: w.placements.find((pl) => pl.platform === p.name)?.nodeAliasId ?? '',
  };
}

/**
 * Where the SPIRE agents get their bootstrap bundle. The SPIRE server's trust bundle is the mesh
 * root (disk upstream authority, bundle_file_path), so whatever the agents bootstrap from must
 * hold it; a file is checked at validation, a URL only the operator can keep right.
 */
function bootstrapSentence(model: Model): string {
  const b = model.trust.spireBundle;
  const root = model.trust.meshRootCA;
  if (b.kind === 'url') return `the SPIRE agents fetch their bootstrap bundle from ${b.url}, which must serve the mesh root${root.kind === 'url' && root.url === b.url ? '' : ' (the SPIRE server\'s trust bundle is the mesh root, so a bundle without it makes every agent reject the server)'}`;
  if (root.kind === 'inline' && b.content === root.content) return 'the SPIRE agents bootstrap from the mesh root itself';
  return `the SPIRE agents bootstrap from ${b.file}, which holds the mesh root`;
}

/**
 * The cluster-side steps in the order of cluster/README.md (which has the exact commands):
 * permissions, root of trust, network label, istiod, SPIRE, east-west gateway, registration,
 * join tokens. Built from the model, so it never reads that file.
 */
function clusterSteps(model: Model): Array<{ title: string; detail: string }> {
  return model.flavor === 'gloo' ? glooClusterSteps(model) : istioClusterSteps(model);
}

/**
 * Flavor gloo's steps, in the order of src/cluster/gloo/readme.ts: the Gloo SPIRE server and
 * ExternalWorkloads replace the spire chart and WorkloadGroups, so none of flavor istio's names appear.
 */
function glooClusterSteps(model: Model): Array<{ title: string; detail: string }> {
  const mgmt = model.gloo?.managementCluster;
  const separate = mgmt !== undefined && mgmt !== model.mesh.clusterName;
  const steps = [
    ...(separate ? [{ title: 'Management cluster', detail: `the ExternalWorkloads feature gate in the gloo-platform and gloo-platform-crds charts of management cluster ${mgmt}` }] : []),
    {
      title: 'Gloo on the workload cluster',
      detail: `gloo-platform ${model.gloo!.version} with the Gloo SPIRE server (${GLOO_NAMESPACE}/${GLOO_SPIRE_DEPLOYMENT}, trust domain ${model.mesh.trustDomain}), its PostgreSQL datastore and the ${OTLP_RELAY_PIPELINE} pipeline${separate ? '' : ', plus the ExternalWorkloads feature gate'}`,
    },
    {
      title: 'istiod and the east-west gateway',
      detail: `Solo's Istio ${model.mesh.istioVersion}${model.mesh.revision ? ` (revision ${model.mesh.revision})` : ''} in namespace ${model.mesh.istiod.namespace} (network ${model.mesh.network}), and the gateway ${model.gateway.name} in namespace ${model.gateway.namespace}, reachable from the VMs at ${model.gateway.address}`,
    },
    { title: 'East-west Service and ExternalWorkloads', detail: 'the vmonboard mesh-registration chart: the east-west Service with every port Gloo needs and one ExternalWorkload per workload' },
    { title: 'Workspaces', detail: 'the ExternalWorkloads\' namespaces in a Gloo workspace on the management cluster' },
  ];
  if (model.platforms.some((p) => p.attestation.type === 'join_token')) {
    steps.push({ title: 'Join tokens', detail: 'one token per VM from meshctl external-workload gen-token, minted just before it boots' });
  }
  return steps;
}

/** Flavor istio's steps, in the order of src/cluster/readme.ts. */
function istioClusterSteps(model: Model): Array<{ title: string; detail: string }> {
  const clouds = [...new Set(model.platforms.filter((p) => p.kind === 'aws' || p.kind === 'gcp' || p.kind === 'azure').map((p) => p.kind))];
  const steps = [
    ...(clouds.length > 0 ? [{ title: 'Cloud permissions', detail: `the documents in cluster/iam/ let the SPIRE server verify ${clouds.join(', ')} instance identities` }] : []),
    { title: 'Shared root of trust', detail: `istiod and SPIRE get intermediate CAs of one mesh root (vmonboard ca init, or your own PKI checked with vmonboard ca check), so the cluster accepts the VMs' SPIRE-issued certificates; ${bootstrapSentence(model)}` },
    { title: 'Network label', detail: `namespace ${model.mesh.istiod.namespace} is labelled with network ${model.mesh.network}` },
    {
      title: 'istiod',
      detail: `Istio ${model.mesh.istioVersion}${model.mesh.revision ? ` (revision ${model.mesh.revision})` : ''}, trust domain ${model.mesh.trustDomain}, mesh ${model.mesh.meshID}, with SPIRE as the workload identity provider`,
    },
    {
      title: 'SPIRE server',
      detail: `spire-crds chart ${model.spire.crdsChartVersion}, then the spire chart ${model.spire.chartVersion} (SPIRE ${model.spire.version}) as release ${model.spire.releaseName} in namespace ${model.spire.namespace}, with the node attestors of the platforms below${model.mesh.registration === 'chart-values' ? ' and the VM registration entries' : ''}`,
    },
    {
      title: 'East-west gateway',
      detail: `${model.gateway.name} in namespace ${model.gateway.namespace}, reachable from the VMs at ${model.gateway.address}, with the ports in the topology below`,
    },
    {
      title: 'Mesh registration',
      detail: `the vmonboard mesh-registration chart: a WorkloadGroup and Service per workload and the gateway routes${model.mesh.registration === 'crds' ? ', and ClusterStaticEntry resources for the VM identities' : ''}${model.telemetry.enabled ? `, including OTLP to ${model.telemetry.gateway.host}:${model.telemetry.gateway.port}` : ''}`,
    },
  ];
  if (model.platforms.some((p) => p.attestation.type === 'join_token')) {
    steps.push({ title: 'Join tokens', detail: 'one single-use token per join-token VM, minted just before it boots' });
  }
  return steps;
}

/** Mermaid nodes and edges: VM agents → east-west gateway port roles → cluster services. */
function buildTopology(model: Model) {
  const gloo = model.flavor === 'gloo';
  const vmNodes = [
    { id: 'sidecar', label: 'Istio sidecar' },
    { id: 'agent', label: gloo ? 'Gloo agent (SPIRE agent)' : 'SPIRE agent' },
    ...(model.telemetry.enabled ? [{ id: 'otel', label: 'OTel collector' }] : []),
  ];
  const clusterNodes = [
    { id: 'ew', label: `east-west gateway ${model.gateway.address}` },
    { id: 'svc', label: 'mesh services' },
    { id: 'istiod', label: `istiod ${model.mesh.istiod.host}` },
    { id: 'spire', label: gloo ? `Gloo SPIRE server ${GLOO_NAMESPACE}/${GLOO_SPIRE_DEPLOYMENT}` : `SPIRE server ${model.spire.namespace}/${model.spire.releaseName}` },
    ...(model.telemetry.enabled ? [{ id: 'otelgw', label: `OTel gateway ${model.telemetry.gateway.host}` }] : []),
    ...(gloo ? [{ id: 'gloo', label: 'Gloo Mesh (cluster side)' }] : []),
  ];
  const routes: Array<[string, PortRole, string]> = [
    ['sidecar', 'tls', 'svc'],
    ['sidecar', 'istiod', 'istiod'],
    ['agent', 'spire', 'spire'],
    ...(model.telemetry.enabled ? [['otel', 'otlp', 'otelgw'] as [string, PortRole, string]] : []),
    ...(gloo ? [['agent', 'cacert', 'gloo'] as [string, PortRole, string], ['agent', 'bootstrap', 'gloo'] as [string, PortRole, string]] : []),
  ];
  const edges = routes.flatMap(([from, role]) => {
    const port = model.gateway.ports[role];
    return port === undefined ? [] : [{ from, label: `${role} ${port}` }];
  });
  const targets = [...new Set(routes.map(([, , to]) => to))];
  return { vmNodes, clusterNodes, edges, targets, clusterName: model.mesh.clusterName };
}

/**
 * Builds the template context: every field the template reads, nothing optional. `payloads` says
 * which payload file each VM directory holds; without it, every payload is taken to be raw.
 */
export function buildReadmeContext(model: Model, payloads: PayloadLookup = rawPayloads) {
  const byName = new Map(model.platforms.map((p) => [p.name, p]));
  const vms = model.workloads.flatMap((w) => w.placements.map((pl) => vmRow(model, w, byName.get(pl.platform)!, payloads)));
  const gloo = model.flavor === 'gloo';
  return {
    name: model.name,
    gloo,
    specFile: model.sourceName,
    description: model.description ?? '',
    flavorLabel: gloo ? 'Gloo Mesh Enterprise' : 'Istio + SPIRE + OpenTelemetry',
    mesh: model.mesh,
    gateway: { address: model.gateway.address, namespace: model.gateway.namespace, name: model.gateway.name },
    topology: buildTopology(model),
    spire: model.spire,
    telemetry: { enabled: model.telemetry.enabled, host: model.telemetry.gateway.host, port: model.telemetry.gateway.port },
    spireAgentLabel: gloo ? 'Gloo agent (SPIRE agent)' : 'SPIRE agent',
    clusterSteps: clusterSteps(model),
    firewall: listFirewallRules(model),
    podCIDRsMissing: model.mesh.podCIDRs.length === 0,
    vms,
    anyBake: vms.some((v) => v.bake),
    anyJoinToken: vms.some((v) => v.joinToken),
    offboard: listOffboardScripts(model).map((p) => ({ workload: shortWorkloadName({ namespace: p.namespace, name: p.workload }, model.workloads), platform: p.platform, command: `${p.file} vm-gone <agent-id> <vm-address>` })),
    manifestFile: MANIFEST_FILE,
    verifyScript: VM_SCRIPTS.verify,
    uninstallScript: VM_SCRIPTS.uninstall,
    verifyArgv: ['sudo', 'bash', VM_SCRIPTS.verify],
    uninstallArgv: ['sudo', 'bash', VM_SCRIPTS.uninstall],
    checkArgv: ['vmonboard', 'render', '--check', model.sourceName, '-o', '<this directory>'],
  };
}

/** The payload lookup of a bundle (or one being built): the file each VM directory holds. */
export function payloadsIn(has: (path: string) => boolean): PayloadLookup {
  return (workload, p) => {
    const found = locatePayload(has, workload, p.name, p.delivery);
    return found ? { path: found.path, encoding: found.encoding } : rawPayloads(workload, p);
  };
}

/** Translator: adds README.md (0644) to the bundle, naming the payload file each VM directory holds. */
export function translateBundleReadme(model: Model, out: BundleBuilder): [] {
  out.add(README_FILE, renderMarkdownTemplate('bundle/README.md.hbs', buildReadmeContext(model, payloadsIn((path) => out.has(path)))), { mode: 0o644, source: '' });
  return [];
}
