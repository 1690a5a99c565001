/**
 * uninstall.sh (offboarding) for one VM: what to stop, remove and print. The SPIRE agent ID the
 * cluster must evict is computed on the VM from what the node attestor proved
 * (spire-otel.md §1.3: `spiffe://<td>/spire/agent/<plugin>/...`).
 */
import type { Model, PlatformModel } from '../model/model.js';
import { HOSTS_BLOCK_BEGIN, HOSTS_BLOCK_END } from '../vm/hosts-block.js';
import { ISTIO_PATHS, SDS_SOCKET_RUNTIME_DIR, SPIRE_PATHS } from '../vm/paths.js';
import { SVID_DIR } from '../vm/svid-sync-units.js';
import { COLLECTOR_SVID_DIR, usesCollectorSvid } from '../vm/otel-client-cert.js';
import { metadataFor } from '../platforms/facts.js';
import { renderShell } from './shell-helpers.js';
import { osContext, selectPins } from './pins.js';
import { allUnits } from './units.js';
import type { PayloadFiles } from './vm-files.js';
import type { VmInputs } from './bootstrap.js';
import { headerText, metadataContext } from './context.js';
import { ISTIO_START_SCRIPT, SPIRE_INSTALL_DIR } from './vm-paths.js';

/** How the uninstall script derives the agent's SPIFFE ID (metadata paths, or the x509pop certificate). */
interface AgentIdSource {
  prefix: string;
  json: boolean;
  x509pop: string | false;
  aws: string | false;
  gcp: string | false;
  gcpId: string;
  azure: string | false;
  joinToken: boolean;
}

function agentIdSource(model: Model, platform: PlatformModel): AgentIdSource {
  const a = platform.attestation;
  const prefix = `spiffe://${model.mesh.trustDomain}/spire/agent/${a.type}/`;
  const none: AgentIdSource = { prefix, json: false, x509pop: false, aws: false, gcp: false, gcpId: '', azure: false, joinToken: false };
  switch (a.type) {
    case 'x509pop':
      // The x509pop agent ID ends with the hex SHA-1 of the certificate's DER bytes.
      return { ...none, x509pop: a.certificatePath };
    case 'aws_iid':
      // <ACCOUNT_ID>/<REGION>/<INSTANCE_ID>, all in the instance identity document.
      return { ...none, json: true, aws: metadataFor('aws')!.identityPath };
    case 'gcp_iit':
      // <PROJECT_ID>/<INSTANCE_ID>.
      return { ...none, gcp: '/computeMetadata/v1/project/project-id', gcpId: metadataFor('gcp')!.identityPath };
    case 'azure_imds':
      // <tenant_id>/<subscription_id>/<vm_id>; the tenant is the platform's.
      return { ...none, prefix: `${prefix}${a.tenantId}/`, json: true, azure: '/metadata/instance/compute?api-version=2021-02-01' };
    case 'join_token':
      // The ID embeds the (used) token; the script points at `spire-server agent list` instead of printing it.
      return { ...none, joinToken: true };
  }
}

/**
 * Configuration directories of the packages vmonboard installs: the collector's (otelcol-contrib
 * packaging, /etc/otelcol-contrib/config.yaml) and the sidecar's (istio-sidecar.deb/.rpm keep
 * cluster.env and mesh.yaml under /var/lib/istio/envoy and /etc/istio).
 */
const PACKAGE_CONFIG_DIRS = [
  { component: 'otelcol-contrib', dirs: ['/etc/otelcol-contrib'] },
  { component: 'istio-sidecar', dirs: ['/var/lib/istio', '/etc/istio'] },
];

/** Renders uninstall.sh for one VM from its inputs and payload files. */
export function renderUninstall(vm: VmInputs, files: PayloadFiles): string {
  const { model, workload, platform } = vm;
  return renderShell('vm/uninstall.sh.hbs', {
    header: headerText(model),
    title: `vmonboard uninstall for workload ${workload.name} (${workload.namespace}) on platform ${platform.name}: run as root on the VM.`,
    os: osContext(platform),
    arches: [...platform.targets.arch],
    metadata: metadataContext(platform),
    agentId: agentIdSource(model, platform),
    // Stop in reverse start order: the collector, the sidecar, the SPIRE agent.
    units: allUnits(files.all).reverse(),
    istioStart: ISTIO_START_SCRIPT,
    packageNames: selectPins(model, platform).packages[0]?.packages.map((p) => p.component) ?? [],
    // Directories whose placed files belong to a package's own configuration: kept when that
    // package was on the VM before vmonboard (its operator's config lived there).
    packageDirs: PACKAGE_CONFIG_DIRS,
    // Placed files, plus the links the SVID sync service made to the SVID it writes under /run.
    files: [...files.placed.map((p) => p.vmPath), `${ISTIO_PATHS.certDir}/cert-chain.pem`, `${ISTIO_PATHS.certDir}/key.pem`],
    // SPIRE's install, link and data; the runtime directories systemd keeps (RuntimeDirectoryPreserve=yes).
    dirs: [SPIRE_INSTALL_DIR, SPIRE_PATHS.bin, SPIRE_PATHS.dataDir, SVID_DIR, `/run/${SDS_SOCKET_RUNTIME_DIR}`, ...(usesCollectorSvid(model) ? [COLLECTOR_SVID_DIR] : [])],
    hostsBegin: HOSTS_BLOCK_BEGIN,
    hostsEnd: HOSTS_BLOCK_END,
    workload: `${workload.namespace}/${workload.name}`,
    spireNamespace: model.spire.namespace,
  });
}
