/**
 * Renders ANY spec for one booted VM (`npm run e2e:spec`, and scenarios that need more than the
 * fixture). The spec is pointed at this run's loopback services and nothing else changes:
 * workloads, ports and selectors stay as written. What changes, each reported in `adjustments`:
 * - artifacts.mirror / mirrorCA: the HTTPS mirror and its test CA; artifacts.components URL
 *   overrides and artifacts.proxy are dropped (they would bypass the mirror);
 * - eastWestGateway.ports: the loopback listeners; an IP address becomes 127.0.0.1, a DNS name is
 *   kept and served by the container's /etc/hosts (placed before boot) as 127.0.0.1;
 * - the booted platform's targets.os gains the container's OS when it lacks it;
 * - x509pop platforms trust the run's site CA (the spec's CA key is not ours to sign with).
 * The lock holds the stand-ins, built at the spec's own versions, for what the container can
 * install (deb, tar.gz on amd64) and an unbootable entry for the rest (rpm, arm64), which the
 * mirror never serves. The SPIRE server stand-in is configured from the spec, and the metadata
 * stubs and the host certificate carry the identity derived from the placement's selectors.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { parseDocument, isScalar, isSeq, visit, type Document } from 'yaml';
import { renderSpecFile, validateSpecFile } from '../../../src/api.js';
import type { Model, PlatformModel, TargetOs, Delivery } from '../../../src/model/model.js';
import { ISTIO_PORT_ROLES } from '../../../src/model/model.js';
import { PAYLOAD_FILE } from '../../../src/bundle/layout.js';
import { unbootableArtifact, type StandinArtifact, type StandinVersions } from '../standins/build-standins.js';
import type { E2eEnv } from './e2e-env.js';
import { deriveNodeIdentity, findPlacement, type NodeIdentity, type NodeIdentityOverrides } from './node-identity.js';
import { issueHostCertificate } from './onprem-pki.js';
import { registerRenderedIdentity } from './mesh-identity.js';
import { wrapRendered, type RenderedSpec, type RenderedVm } from './render-fixture.js';

/** The OS of the e2e root filesystem (harness/rootfs.ts debootstraps bookworm). */
export const CONTAINER_OS: TargetOs = 'debian-12';

/** Options for {@link renderSpecForVm}. */
export interface SpecVmOptions {
  workload: string;
  platform: string;
  /** The OS to boot (only debian-12 exists). */
  os?: TargetOs;
  /** Values to make the VM differ from its spec (the negative scenarios). */
  identity?: NodeIdentityOverrides;
  /** A scenario's change to the parsed spec, applied before the harness's own (as if the user wrote it). */
  edit?: (doc: Document) => void;
}

/** A file the harness places in the tree before boot (host identity, join token). */
export interface PlacedFile {
  path: string;
  content: string;
  mode: number;
}

/** One VM of a spec, ready to boot. */
export interface SpecVm {
  spec: RenderedSpec;
  vm: RenderedVm;
  model: Model;
  platform: PlatformModel;
  delivery: Delivery;
  /** The payload file's name and text (user-data.yaml, startup-script.sh or install.sh). */
  payloadName: string;
  payload: string;
  identity: NodeIdentity;
  /** What the harness changed in the spec, one human line each. */
  adjustments: string[];
  /** Lines to append to the tree's /etc/hosts before boot (a DNS-named gateway). */
  hostsLines: string[];
  /** The address a DNS-named gateway resolves to inside the container. */
  gatewayAddress: string;
  files: PlacedFile[];
  /** Lock entries the container cannot use: kept in the lock, never served. */
  unbootable: StandinArtifact[];
}

/** Validates a spec without its lock; throws with the diagnostics when it does not validate. */
export async function loadSpecModel(specPath: string): Promise<Model> {
  const v = await validateSpecFile(specPath, { ignoreLock: true });
  const errors = v.diagnostics.filter((d) => d.severity === 'error');
  if (!v.model || errors.length > 0) throw new Error(`${specPath} does not validate:\n${errors.map((d) => `${d.code} ${d.pointer}: ${d.message}`).join('\n')}`);
  return v.model;
}

/** The versions to build the stand-ins at: the spec's own pins (mesh.istio.version, spire.version, telemetry.collectorVersion). */
export function standinVersionsOf(model: Model): StandinVersions {
  return { istio: model.mesh.istioVersion, spire: model.spire.version, otel: model.telemetry.collectorVersion };
}

/**
 * Copies every file the spec references (the `{file: <path>[, format]}` objects of trust,
 * mirrorCA, caBundle...) from its files directory into `dir`, keeping relative paths.
 */
function copyReferencedFiles(doc: Document, fromDir: string, dir: string): void {
  visit(doc, {
    Map(_, map) {
      const keys = map.items.map((i) => (isScalar(i.key) ? String(i.key.value) : ''));
      const rel = map.get('file');
      if (!keys.includes('file') || !keys.every((k) => k === 'file' || k === 'format') || typeof rel !== 'string') return;
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      copyFileSync(path.join(fromDir, rel), path.join(dir, rel));
    },
  });
}

let renders = 0;

/** Renders `specPath` pointed at `env` and returns the VM of `opts.workload` on `opts.platform`, ready to boot. */
export async function renderSpecForVm(env: E2eEnv, specPath: string, opts: SpecVmOptions): Promise<SpecVm> {
  const dir = path.join(env.workDir, `spec-vm-${++renders}`);
  mkdirSync(path.join(dir, 'e2e-harness'), { recursive: true });
  const doc = parseDocument(readFileSync(specPath, 'utf8'));
  copyReferencedFiles(doc, path.dirname(path.resolve(specPath)), dir);
  // A scenario's own change first, as if the user had written it; the harness then points that spec at loopback.
  if (opts.edit) {
    opts.edit(doc);
    copyReferencedFiles(doc, path.dirname(path.resolve(specPath)), dir);
  }
  const sourcePath = path.join(dir, 'source.yaml');
  writeFileSync(sourcePath, doc.toString());
  const source = await loadSpecModel(sourcePath);
  if (source.flavor !== 'istio') throw new Error(`e2e:spec boots flavor istio specs; ${specPath} is flavor ${source.flavor} (test/e2e/gloo.test.ts boots Gloo)`);
  // `--workload` is `<namespace>/<name>` or a plain name one namespace has, as on the CLI.
  findPlacement(source, opts.workload, opts.platform);
  const pIndex = source.platforms.findIndex((p) => p.name === opts.platform);
  const os = opts.os ?? CONTAINER_OS;
  if (os !== CONTAINER_OS) throw new Error(`--os ${os}: the e2e root filesystem is ${CONTAINER_OS} (no other OS can be booted here)`);

  const adjustments: string[] = [];

  writeFileSync(path.join(dir, 'e2e-harness/mirror-ca.pem'), env.ca.caCertPem);
  doc.setIn(['artifacts', 'mirror'], env.mirror.url);
  doc.setIn(['artifacts', 'mirrorCA'], doc.createNode({ file: 'e2e-harness/mirror-ca.pem' }));
  adjustments.push(`artifacts.mirror: ${env.mirror.url} (the loopback HTTPS mirror, its test CA as mirrorCA)`);
  for (const key of ['components', 'proxy']) {
    if (doc.hasIn(['artifacts', key])) {
      doc.deleteIn(['artifacts', key]);
      adjustments.push(`artifacts.${key}: removed (it would bypass the loopback mirror)`);
    }
  }

  const gatewayAddress = env.gateway.address;
  const hostsLines: string[] = [];
  if (source.gateway.addressKind === 'dns') {
    hostsLines.push(`${gatewayAddress} ${source.gateway.address}`);
    adjustments.push(`eastWestGateway.address: ${source.gateway.address} kept (a DNS name); the container's /etc/hosts resolves it to ${gatewayAddress} before boot`);
  } else {
    doc.setIn(['eastWestGateway', 'address'], gatewayAddress);
    adjustments.push(`eastWestGateway.address: ${source.gateway.address} -> ${gatewayAddress}`);
  }
  doc.setIn(['eastWestGateway', 'ports'], doc.createNode(Object.fromEntries(ISTIO_PORT_ROLES.map((r) => [r, env.gateway.ports[r]]))));
  adjustments.push(`eastWestGateway.ports: the loopback listeners (${ISTIO_PORT_ROLES.map((r) => `${r} ${env.gateway.ports[r]}`).join(', ')})`);

  const p = source.platforms[pIndex]!;
  if (!p.targets.os.includes(os)) {
    // The object form lists OSes under targets.os; the per-OS list form (issue 16) takes one more
    // { os, arch: [amd64] } entry (the container is amd64).
    const targets = doc.getIn(['platforms', pIndex, 'targets']);
    const list = isSeq(targets) ? targets : doc.getIn(['platforms', pIndex, 'targets', 'os']);
    if (!isSeq(list)) throw new Error(`platforms[${pIndex}].targets: neither the object form's os list nor the per-OS list form`);
    list.add(isSeq(targets) ? doc.createNode({ os, arch: ['amd64'] }) : os);
    adjustments.push(`platforms[${pIndex}] (${p.name}) targets.os: ${p.targets.os.join(', ')} + ${os} (--os ${os}: the targets exclude the container's OS)`);
  }
  // One root of trust, the run's mesh PKI: istiod and the SPIRE server stand-ins serve chains to it.
  if (source.mesh.trustDomain !== env.identity.pki.trustDomain) {
    throw new Error(`mesh.trustDomain ${source.mesh.trustDomain}: the e2e mesh PKI and its SPIRE server are for ${env.identity.pki.trustDomain} (the booted e2e cannot serve another trust domain)`);
  }
  writeFileSync(path.join(dir, 'e2e-harness/mesh-root-ca.pem'), env.identity.pki.root.certPem);
  doc.setIn(['trust', 'meshRootCA'], doc.createNode({ file: 'e2e-harness/mesh-root-ca.pem' }));
  adjustments.push('trust.meshRootCA: the run\'s mesh root (the SPIRE server and istiod stand-ins chain to it)');
  if (doc.hasIn(['trust', 'spireBundle'])) {
    doc.setIn(['trust', 'spireBundle'], doc.createNode({ file: 'e2e-harness/mesh-root-ca.pem', format: 'pem' }));
    adjustments.push('trust.spireBundle: the run\'s mesh root (the SPIRE server stand-in\'s upstream root)');
  }
  source.platforms.forEach((x, i) => {
    if (x.attestation.type !== 'x509pop') return;
    writeFileSync(path.join(dir, 'e2e-harness/onprem-host-ca.pem'), env.onprem.caPem);
    doc.setIn(['platforms', i, 'x509pop', 'caBundle'], doc.createNode({ file: 'e2e-harness/onprem-host-ca.pem' }));
    adjustments.push(`platforms[${i}] (${x.name}) x509pop.caBundle: the run's site CA (it signs the host certificate)`);
  });
  const specOut = path.join(dir, path.basename(specPath));
  writeFileSync(specOut, doc.toString());

  // The lock: every pin the spec now needs; stand-ins for what boots here, unbootable entries for the rest.
  const pointed = await loadSpecModel(specOut);
  const unbootable: StandinArtifact[] = [];
  const artifacts = pointed.artifacts.pins.map((pin) => {
    let a = env.artifacts.find((x) => x.bootable !== false && x.component === pin.component && x.version === pin.version && x.format === pin.format && x.arch === pin.arch);
    if (!a) {
      if (pin.arch === 'amd64' && pin.format !== 'rpm') throw new Error(`no stand-in ${pin.component} ${pin.version} ${pin.format}/amd64: start the env with standinVersionsOf(the spec)`);
      a = unbootableArtifact(pin.component, pin.version, pin.format, pin.arch);
      unbootable.push(a);
    }
    const url = `${env.mirror.url}/${a.mirrorPath}`;
    if (url !== pin.url) throw new Error(`the spec resolves ${pin.component} ${pin.format}/${pin.arch} to ${pin.url}, the mirror serves ${url}`);
    return { component: a.component, version: a.version, format: a.format, arch: a.arch, url, sha256: a.sha256 };
  });
  const lockPath = specOut.replace(/\.ya?ml$/, '') + '.lock.yaml';
  writeFileSync(lockPath, jsYaml.dump({ apiVersion: 'vmonboard.lock/v1', kind: 'ArtifactLock', artifacts }, { forceQuotes: true, lineWidth: -1 }));
  if (unbootable.length > 0) adjustments.push(`lock: ${unbootable.length} entries the container cannot use kept but never served (${unbootable.map((a) => `${a.component} ${a.format}/${a.arch}`).join(', ')})`);

  const result = await renderSpecFile(specOut);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.bundle || !result.model || errors.length > 0) throw new Error(`rendering ${specOut} failed:\n${result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}: ${d.message}`).join('\n')}`);
  const model = result.model;
  const spec = wrapRendered(specOut, result.bundle, result.diagnostics, model);
  const platform = model.platforms.find((x) => x.name === opts.platform)!;
  const vm = spec.vm(opts.workload, opts.platform);
  const payloadName = PAYLOAD_FILE[platform.delivery];

  // The identity: the SPIRE server stand-in judges by the spec, the stubs and files follow the selectors.
  const identity = deriveNodeIdentity(model, opts.workload, opts.platform, opts.identity);
  env.identity.spireServer.trust(model);
  await registerRenderedIdentity(env.identity, result.bundle);
  env.control.metadata.setIdentity(identity, platform.delivery === 'startup-script' ? { 'startup-script': vm.file(payloadName) } : {});
  const files: PlacedFile[] = [];
  const a = platform.attestation;
  if (a.type === 'x509pop') {
    if (a.privateKey.scheme !== 'file') throw new Error(`x509pop privateKey ${a.privateKey.uri}: the e2e places only file:// keys`);
    const cert = await issueHostCertificate(env.onprem.dir ?? path.join(env.workDir, 'onprem'), `host-${renders}`, identity.x509.cn, identity.x509.uriSans);
    files.push({ path: a.certificatePath, content: cert.certPem, mode: 0o644 }, { path: a.privateKey.path, content: cert.keyPem, mode: 0o600 });
  }
  if (a.type === 'join_token') {
    if (a.token.scheme !== 'file') throw new Error(`join token ${a.token.uri}: the e2e places only file:// tokens`);
    const placement = findPlacement(model, opts.workload, opts.platform).pl;
    files.push({ path: a.token.path, content: `${env.identity.spireServer.mintJoinToken(placement.nodeAliasId)}\n`, mode: 0o600 });
    adjustments.push(`join token: minted for ${placement.nodeAliasId} and placed at ${a.token.path}`);
  }
  return { spec, vm, model, platform, delivery: platform.delivery, payloadName, payload: vm.file(payloadName), identity, adjustments, hostsLines, gatewayAddress, files, unbootable };
}

/** Writes a SpecVm's files and hosts lines into a not-yet-booted tree (MachineOptions.beforeBoot). */
export function placeSpecVmFiles(root: string, sv: SpecVm): void {
  for (const f of sv.files) {
    const full = path.join(root, f.path);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, f.content, { mode: f.mode });
  }
  if (sv.hostsLines.length > 0) {
    const hosts = path.join(root, 'etc/hosts');
    let before = '';
    try {
      before = readFileSync(hosts, 'utf8');
    } catch {
      // no /etc/hosts in the tree: the lines are the whole file
    }
    writeFileSync(hosts, `${before}${before.endsWith('\n') || before === '' ? '' : '\n'}${sv.hostsLines.join('\n')}\n`);
  }
}
