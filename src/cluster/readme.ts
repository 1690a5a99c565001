/**
 * cluster/README.md: the one place for the cluster install steps, in order, with the exact
 * `helm upgrade --install` commands and chart versions, and what to check after each step.
 * Built from the same model and names as the values files, so commands and values agree.
 */
import { otelGatewaySection } from './otel-gateway-receiver.js';
import type { Model } from '../model/model.js';
import { codeSpan } from '../bundle/markdown-template.js';
import { shellCommand as sh } from './shell-words.js';
import { listJoinTokenSteps, listSpireEntries } from './registration.js';
import { listVmEndpoints } from './endpoints.js';
import { NETWORK_LABEL } from './gateway-values.js';
import { UPSTREAM_CA_SECRET } from './spire-values.js';
import { eastWestReleaseName, istiodReleaseName, meshReleaseName, spireServerExec, spireServerName } from './names.js';

/** Helm repository of the spire charts (istio.io SPIRE integration doc, spire-otel.md §2). */
const SPIRE_REPO = 'https://spiffe.github.io/helm-charts-hardened/';
/** Helm repository of the istio charts (istio.io "Install with Helm"). */
const ISTIO_REPO = 'https://istio-release.storage.googleapis.com/charts';

function block(...cmds: string[]): string[] {
  return ['```sh', ...cmds, '```', ''];
}

/** Creates a namespace unless it exists (kubectl create alone fails on an existing one). */
function createNamespace(ns: string): string {
  return `${sh('kubectl', 'create', 'namespace', ns, '--dry-run=client', '-o', 'yaml')} | kubectl apply -f -`;
}

/** What the host certificates of x509pop platforms must carry for the alias selectors to match. */
function x509Section(model: Model): string[] {
  const lines: string[] = [];
  for (const w of model.workloads) {
    for (const pl of w.placements) {
      const sel = pl.selectors.x509pop;
      if (!sel) continue;
      const parts = [
        // The CN is free text (backticks included): a fixed single-backtick span would let it close the span and inject Markdown or HTML.
        ...(sel.subjectCN ? [`subject CN ${codeSpan(sel.subjectCN, { inTable: false })}`] : []),
        ...Object.entries(sel.san ?? {}).map(([k, v]) => `URI SAN \`x509pop://${model.mesh.trustDomain}/${k}/${v}\``),
      ];
      lines.push(`- ${w.namespace}/${w.name} on ${pl.platform}: ${parts.join(', ')}.`);
    }
  }
  if (lines.length === 0) return [];
  // x509pop selectors: subject:cn, and san:<key>:<value> from URI SANs x509pop://<td>/<key>/<value> (spire-otel.md §1.3).
  return ['x509pop hosts: each VM certificate must chain to its platform\'s CA bundle (in `spire.values.yaml`) and carry:', '', ...lines, ''];
}

function trustSection(model: Model): string[] {
  const ns = model.spire.namespace;
  const istioNs = model.mesh.istiod.namespace;
  const root = model.trust.meshRootCA;
  const spec = model.sourceName;
  return [
    '## 2. Shared root of trust',
    '',
    'istiod and SPIRE sign with two intermediates of one mesh root, so pods, istiod and VMs all verify',
    `each other against that root (the \`trust.meshRootCA\` of ${spec}). SPIRE mints its own signing CA`,
    'beneath its intermediate (the `disk` upstream authority), so that intermediate must allow one more CA',
    'below it: no path length limit. (Istio\'s `tools/certs` Makefile gives every intermediate `pathlen:0`,',
    'right for istiod, fatal for SPIRE: every chain would fail with "too many intermediates for path length constraint".)',
    '',
    'Make the CA, or check your own, then create the two secrets. `ca init` writes `root-cert.pem`,',
    '`istiod/{ca-cert,ca-key,cert-chain,root-cert}.pem` and `spire/{tls.crt,tls.key,bundle.crt}`, keys mode 0600:',
    '',
    ...block(
      sh('vmonboard', 'ca', 'init', './mesh-ca'),
      ...(root.kind === 'inline' ? [`cp ./mesh-ca/root-cert.pem ${sh(root.file)}    # the spec's trust.meshRootCA; render again`] : []),
      sh('vmonboard', 'ca', 'check', spec, '--ca-dir', './mesh-ca'),
      createNamespace(istioNs),
      sh('kubectl', 'create', 'secret', 'generic', 'cacerts', '-n', istioNs, '--from-file=./mesh-ca/istiod/ca-cert.pem', '--from-file=./mesh-ca/istiod/ca-key.pem', '--from-file=./mesh-ca/istiod/root-cert.pem', '--from-file=./mesh-ca/istiod/cert-chain.pem'),
      createNamespace(ns),
      sh('kubectl', 'create', 'secret', 'generic', UPSTREAM_CA_SECRET, '-n', ns, '--from-file=tls.crt=./mesh-ca/spire/tls.crt', '--from-file=tls.key=./mesh-ca/spire/tls.key', '--from-file=bundle.crt=./mesh-ca/spire/bundle.crt'),
    ),
    '**Your own PKI** (Vault, cert-manager, a corporate CA): put its files in the same layout and run',
    '`vmonboard ca check` before creating the secrets. It checks that both intermediates chain to',
    '`trust.meshRootCA` (put any issuing CAs between an intermediate and the root after it in the same',
    'file: `tls.crt`, `cert-chain.pem`), that the SPIRE intermediate and every CA above it leave room',
    'for SPIRE\'s CA, that each key matches its certificate, the key usages, the `cert-chain.pem` order',
    'and expiry (a warning under 30 days); it exits 1 on any error. `root-key.pem` is not needed.',
    '',
    `The spire chart mounts \`${UPSTREAM_CA_SECRET}\` and reads \`tls.crt\` (the SPIRE intermediate, then any CAs up to the root),`,
    '`tls.key` and `bundle.crt` (the mesh root) for its `disk` upstream authority. SPIRE serves `bundle.crt` as its trust bundle,',
    'so VMs bootstrap from the mesh root (`trust.spireBundle` unset). Keys never enter this bundle; after',
    'creating the secrets, keep `root-key.pem` offline. Skip the `cacerts` command when istiod already uses a plugged-in CA of this root.',
    '',
    'Check: `openssl verify -CAfile mesh-ca/root-cert.pem mesh-ca/spire/tls.crt mesh-ca/istiod/ca-cert.pem` prints `OK` twice.',
    '',
  ];
}

function helmSections(model: Model): string[] {
  const istioNs = model.mesh.istiod.namespace;
  const v = model.mesh.istioVersion;
  const rev = model.mesh.revision;
  const meshConfigMap = rev ? `istio-${rev}` : 'istio';
  const gw = model.gateway;
  return [
    '## 3. Network label',
    '',
    ...block(sh('kubectl', 'label', 'namespace', istioNs, `${NETWORK_LABEL}=${model.mesh.network}`, '--overwrite')),
    `Check: \`kubectl get namespace ${istioNs} -L ${NETWORK_LABEL}\` shows \`${model.mesh.network}\`.`,
    '',
    '## 4. istiod',
    '',
    '`istiod.values.yaml` is a fragment: pass it after your own istiod values (later files win), or compare the two.',
    '',
    ...block(
      sh('helm', 'upgrade', '--install', 'istio-base', 'istio/base', '--version', v, '-n', istioNs),
      sh('helm', 'upgrade', '--install', istiodReleaseName(model), 'istio/istiod', '--version', v, '-n', istioNs, '-f', '<your-istiod-values.yaml>', '-f', 'istiod.values.yaml', '--wait'),
    ),
    `Check: \`kubectl -n ${istioNs} get configmap ${meshConfigMap} -o jsonpath='{.data.mesh}'\` contains \`trustDomain: ${model.mesh.trustDomain}\`.`,
    '',
    '## 5. SPIRE',
    '',
    ...block(
      sh('helm', 'upgrade', '--install', 'spire-crds', 'spire-crds', '--repo', SPIRE_REPO, '--version', model.spire.crdsChartVersion, '-n', model.spire.namespace, '--create-namespace'),
      sh('helm', 'upgrade', '--install', model.spire.releaseName, 'spire', '--repo', SPIRE_REPO, '--version', model.spire.chartVersion, '-n', model.spire.namespace, '-f', 'spire.values.yaml', '--wait'),
    ),
    ...x509Section(model),
    'Check:',
    '',
    ...block(sh('kubectl', '-n', model.spire.namespace, 'rollout', 'status', `statefulset/${spireServerName(model)}`), spireServerExec(model, 'healthcheck')),
    '## 6. East-west gateway',
    '',
    ...block(sh('helm', 'upgrade', '--install', eastWestReleaseName(model), 'istio/gateway', '--version', v, '-n', gw.namespace, '-f', 'eastwest-gateway.values.yaml', '--wait')),
    `Check: \`kubectl -n ${gw.namespace} get service ${gw.name}\` lists ports ${listVmEndpoints(model).map((e) => e.port).join(', ')}, and its external address is \`${gw.address}\` (the address every VM dials).`,
    '',
  ];
}

function registrationSection(model: Model): string[] {
  const gw = model.gateway;
  const namespaces = [...new Set(model.workloads.map((w) => w.namespace))].sort();
  const crds = model.mesh.registration === 'crds';
  const sidecar = listSpireEntries(model).find((e) => e.kind === 'sidecar');
  return [
    '## 7. Mesh registration (our chart)',
    '',
    'The chart is in `charts/vmonboard-mesh/` beside this file. It does not create the workload',
    'namespaces (`namespaces.create: false`), so create them first unless they exist.',
    '',
    ...block(
      ...namespaces.map(createNamespace),
      sh('helm', 'upgrade', '--install', meshReleaseName(model), './charts/vmonboard-mesh', '-n', gw.namespace, '-f', 'mesh-registration.values.yaml'),
      sh('helm', 'test', meshReleaseName(model), '-n', gw.namespace),
    ),
    'If the cluster already applied istio\'s `expose-istiod.yaml` or `expose-services.yaml`, set',
    '`eastWest.istiod.enabled` or `eastWest.crossNetwork.enabled` to false, so the gateway does not get two servers for one port.',
    '',
    `Check: \`kubectl get workloadgroups,services -n ${namespaces.join(',')}\` and \`kubectl -n ${gw.namespace} get gateways,virtualservices\`${crds ? '; `kubectl get clusterstaticentries` shows every entry' : ''}.`,
    ...(sidecar ? ['', 'SPIRE has the VM entries (declared in ' + (crds ? 'ClusterStaticEntry objects of our chart' : '`spire.values.yaml`') + '):', '', ...block(spireServerExec(model, 'entry', 'show', '-spiffeID', sidecar.spiffeID))] : ['']),
  ];
}

function joinTokenSection(model: Model): string[] {
  const steps = listJoinTokenSteps(model);
  if (steps.length === 0) return [];
  const out = [
    '## 8. Join tokens',
    '',
    'A join token is single-use and expires after `-ttl` seconds (default 600), so mint it just before',
    'the VM boots. `-spiffeID` makes the attested agent the node alias the sidecar entry hangs from.',
    'Entries created this way are not managed by the controller manager; its entry ID prefix keeps it from deleting them.',
    '',
  ];
  for (const s of steps) {
    out.push(`### ${s.namespace}/${s.workload} on ${s.platform}`, '', ...block(spireServerExec(model, 'token', 'generate', '-spiffeID', s.spiffeID, '-ttl', '600')));
    out.push(`Copy the printed token to \`${s.tokenPath}\` on the VM (mode 0600, owner root) before its first boot.`, '', `Check after boot: ${'`'}${spireServerExec(model, 'entry', 'show', '-parentID', s.spiffeID)}${'`'} lists the sidecar entry, and \`agent list\` shows the agent.`, '');
  }
  return out;
}

/**
 * The canary order of a revision change (issue 14 §3): the routes of both revisions stay on the
 * gateway while VMs move, because our chart names each revision's istiod route after it.
 */
function revisionSection(model: Model): string[] {
  const rev = model.mesh.revision;
  const kept = model.mesh.previousRevisions;
  const gw = model.gateway;
  return [
    '## Upgrading to a new Istio revision',
    '',
    'VMs keep dialing the istiod revision of the payload they ran, so a revision change is a canary:',
    '',
    '1. Install the new istiod revision next to the old one (step 4 with the new `--version` and revision).',
    `2. In ${model.sourceName}, set \`mesh.istio.version\` and \`mesh.istio.revision\` to the new ones and list the old revision in`,
    '   `mesh.istio.previousRevisions`; render, then apply steps 6 and 7. The east-west gateway now routes',
    '   both revisions, each through its own `<release>-istiod-<revision>` Gateway and VirtualService.',
    '3. Roll the VMs: re-run each VM\'s new payload (or replace the VM with one launched from it); its',
    '   packages, configs and agents move to the new version and revision.',
    '4. When no VM is left on the old revision, remove it from `mesh.istio.previousRevisions`, render and',
    '   apply step 7 again (its route goes away), then uninstall the old istiod revision.',
    '',
    kept.length > 0
      ? `This bundle routes revision ${rev ?? 'default'} and keeps the routes of ${kept.join(', ')}: check \`${sh('kubectl', '-n', gw.namespace, 'get', 'gateways,virtualservices')}\` lists ${kept.map((r) => `\`${meshReleaseName(model)}-istiod-${r}\``).join(', ')}.`
      : `This bundle routes only revision ${rev ?? 'default'}; a VM still on another revision loses its istiod route when this chart is applied.`,
    '',
  ];
}

/** Renders cluster/README.md for flavor istio. */
export function renderClusterReadme(model: Model, opts: { iam: boolean }): string {
  const ep = listVmEndpoints(model);
  return [
    `# Cluster setup for ${model.name}`,
    '',
    `Generated by vmonboard from ${model.sourceName} — do not edit.`,
    '',
    `Istio ${model.mesh.istioVersion}${model.mesh.revision ? ` (revision ${model.mesh.revision})` : ''}, trust domain \`${model.mesh.trustDomain}\`, cluster \`${model.mesh.clusterName}\`,`,
    `network \`${model.mesh.network}\`, VM network \`${model.mesh.vmNetwork}\`; spire chart ${model.spire.chartVersion} and spire-crds ${model.spire.crdsChartVersion}.`,
    '',
    '| file | for |',
    '|---|---|',
    '| `spire.values.yaml` | spire chart: node attestors, upstream CA, registration entries |',
    '| `istiod.values.yaml` | istio/istiod chart: the settings VMs need (fragment) |',
    '| `eastwest-gateway.values.yaml` | istio/gateway chart: the east-west gateway with every VM port |',
    '| `mesh-registration.values.yaml` | `charts/vmonboard-mesh`: WorkloadGroups, Services, gateway routes |',
    '| `iam/` | cloud permissions, see `iam/README.md` |',
    '',
    'VMs reach everything through the east-west gateway:',
    '',
    '| role | port | TLS server name | routed to |',
    '|---|---|---|---|',
    ...ep.map((e) => `| ${e.role} | ${e.port} | ${e.mode === 'tcp' ? 'none needed: the whole port is routed' : e.sniHosts.join(', ') || '—'} | ${e.destination ? `${e.destination.host}:${e.destination.port}` : e.mode === 'auto-passthrough' ? 'mesh services (AUTO_PASSTHROUGH)' : 'gateway health'} |`),
    '',
    'The gateway chart runs without `networkGateway`, which would replace the Service ports with four fixed ones',
    '(no SPIRE or OTLP port); the network label and `ISTIO_META_REQUESTED_NETWORK_VIEW` are set directly instead.',
    'SPIRE stays end-to-end mTLS through the gateway, routed by its dedicated port: an agent dialing an IP address sends no TLS server name.',
    '',
    '## 0. Helm repositories',
    '',
    ...block(sh('helm', 'repo', 'add', 'istio', ISTIO_REPO), sh('helm', 'repo', 'update')),
    '## 1. Cloud permissions',
    '',
    opts.iam ? 'Apply the documents in `iam/` as `iam/README.md` describes, before SPIRE attests the first VM.' : 'None: no platform of this spec needs cloud permissions.',
    '',
    ...trustSection(model),
    ...helmSections(model),
    ...registrationSection(model),
    ...joinTokenSection(model),
    ...revisionSection(model),
    ...otelGatewaySection(model),
  ].join('\n');
}
