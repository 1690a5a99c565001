/**
 * Builds the stand-in agent packages the loopback mirror serves: the real artifact names,
 * file layouts, users and systemd units (unit, env file and packaged config taken verbatim from
 * ../shared/upstream/), with binaries that check their configuration through the test's
 * validation endpoint instead of doing the real work.
 *
 * - istio-sidecar.deb: /usr/local/bin/{pilot-agent,envoy,istio-start.sh}, /lib/systemd/system/istio.service,
 *   /var/lib/istio/envoy/{sidecar.env,envoy_bootstrap_tmpl.json}; postinst creates istio-proxy.
 * - otelcol-contrib_<ver>_linux_amd64.deb: /usr/bin/otelcol-contrib, the unit, /etc/otelcol-contrib/
 *   {otelcol-contrib.conf,config.yaml}, /var/lib/otelcol-contrib; preinst creates otelcol-contrib.
 * - spire-<ver>-linux-amd64-musl.tar.gz: spire-<ver>/bin/{spire-agent,spire-server}, conf/agent/agent.conf.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveArtifactUrl } from '../../../src/artifacts/catalog.js';
import type { Arch, ArtifactFormat, Component } from '../../../src/model/model.js';
import { upstreamPath } from '../../validators/upstream.js';
import { requireHostTool } from '../harness/host-tools.js';
import { runOk } from '../harness/run.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Versions to stamp on the stand-ins (the pins of the spec under test). */
export interface StandinVersions {
  istio: string;
  otel: string;
  spire: string;
}

/** One built artifact (or, with `bootable: false`, a lock entry the container cannot use). */
export interface StandinArtifact {
  component: Component;
  version: string;
  format: ArtifactFormat;
  arch: Arch;
  /**
   * False for an artifact the Debian amd64 container cannot install (rpm, arm64): its lock entry
   * is kept so the spec renders, but the mirror never serves it, so a payload that tried to
   * download it would fail. Absent means true.
   */
  bootable?: boolean;
  /** Path on the mirror, `<component>/<version>/<upstream file name>` (no leading slash). */
  mirrorPath: string;
  bytes: Buffer;
  sha256: string;
}

/** One self-contained Python program: the shared prelude, then the agent's own part. */
function composeProgram(agentFile: string, version: string, parts: string[] = []): string {
  return [
    '#!/usr/bin/python3',
    `# STAND-IN built by the vmonboard e2e harness from test/e2e/standins/${agentFile}; not the real program.`,
    `STANDIN_VERSION = ${JSON.stringify(version)}`,
    readFileSync(path.join(HERE, 'lib/standin.py'), 'utf8'),
    ...parts.map((p) => readFileSync(path.join(HERE, p), 'utf8')),
    readFileSync(path.join(HERE, agentFile), 'utf8'),
  ].join('\n');
}

function put(root: string, rel: string, content: string | Buffer, mode = 0o644): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}

function putUpstream(root: string, rel: string, upstreamRel: string, mode = 0o644): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(upstreamPath(upstreamRel), file);
  chmodSync(file, mode);
}

/** Copies DEBIAN/ from the sources, stamping the version into control. */
function putDebian(root: string, pkgDir: string, version: string, scripts: string[]): void {
  const src = path.join(HERE, pkgDir, 'DEBIAN');
  put(root, 'DEBIAN/control', readFileSync(path.join(src, 'control'), 'utf8').replace('@VERSION@', version));
  put(root, 'DEBIAN/conffiles', readFileSync(path.join(src, 'conffiles')));
  for (const s of scripts) put(root, `DEBIAN/${s}`, readFileSync(path.join(src, s)), 0o755);
}

async function buildDeb(stage: string, out: string): Promise<void> {
  // --root-owner-group: files belong to root as in the real packages; users are created by the scripts.
  await runOk(requireHostTool('dpkg-deb'), ['--root-owner-group', '-Zgzip', '--build', stage, out]);
}

function mirrorPathOf(component: Component, version: string, format: ArtifactFormat): string {
  const url = resolveArtifactUrl({ component, version, format, arch: 'amd64' }, 'istio', { mirror: 'https://mirror.invalid' });
  if (!url) throw new Error(`no upstream file name for ${component} ${format}`);
  return url.slice('https://mirror.invalid/'.length);
}

/**
 * The lock entry of an artifact the container cannot use (rpm, arm64): the bytes are a marker
 * naming why it was not built; its sha256 is real for those bytes, but the mirror never serves it.
 */
export function unbootableArtifact(component: Component, version: string, format: ArtifactFormat, arch: Arch): StandinArtifact {
  const bytes = Buffer.from(`vmonboard e2e: no ${component} ${version} ${format}/${arch} stand-in; the Debian amd64 container cannot use it\n`);
  const url = resolveArtifactUrl({ component, version, format, arch }, 'istio', { mirror: 'https://mirror.invalid' });
  if (!url) throw new Error(`no upstream file name for ${component} ${format}/${arch}`);
  return { component, version, format, arch, bootable: false, mirrorPath: url.slice('https://mirror.invalid/'.length), bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Builds the three stand-in artifacts under `workDir` and returns them with their sha256. */
export async function buildStandins(workDir: string, v: StandinVersions): Promise<StandinArtifact[]> {
  const out: StandinArtifact[] = [];
  const finish = (component: Component, version: string, format: ArtifactFormat, file: string): void => {
    const bytes = readFileSync(file);
    out.push({ component, version, format, arch: 'amd64', mirrorPath: mirrorPathOf(component, version, format), bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
  };

  const istio = path.join(workDir, 'istio-sidecar');
  putDebian(istio, 'istio-sidecar', v.istio, ['postinst']);
  put(istio, 'usr/local/bin/pilot-agent', composeProgram('istio-sidecar/pilot-agent.py', v.istio), 0o755);
  put(istio, 'usr/local/bin/envoy', composeProgram('istio-sidecar/envoy.py', v.istio), 0o755);
  put(istio, 'usr/local/bin/istio-start.sh', readFileSync(path.join(HERE, 'istio-sidecar/istio-start.sh')), 0o755);
  putUpstream(istio, 'lib/systemd/system/istio.service', 'istio/packaging/istio.service');
  putUpstream(istio, 'var/lib/istio/envoy/sidecar.env', 'istio/packaging/sidecar.env');
  put(istio, 'var/lib/istio/envoy/envoy_bootstrap_tmpl.json', '{"stand-in": "envoy bootstrap template"}\n');
  await buildDeb(istio, path.join(workDir, 'istio-sidecar.deb'));
  finish('istio-sidecar', v.istio, 'deb', path.join(workDir, 'istio-sidecar.deb'));

  const otel = path.join(workDir, 'otelcol-contrib');
  const otelUp = 'opentelemetry-collector-releases/distributions/otelcol-contrib';
  putDebian(otel, 'otelcol-contrib', v.otel, ['preinst', 'postinst', 'prerm']);
  put(otel, 'usr/bin/otelcol-contrib', composeProgram('otelcol-contrib/otelcol-contrib.py', v.otel), 0o755);
  putUpstream(otel, 'lib/systemd/system/otelcol-contrib.service', `${otelUp}/otelcol-contrib.service`);
  putUpstream(otel, 'etc/otelcol-contrib/otelcol-contrib.conf', `${otelUp}/otelcol-contrib.conf`);
  putUpstream(otel, 'etc/otelcol-contrib/config.yaml', `${otelUp}/config.yaml`);
  mkdirSync(path.join(otel, 'var/lib/otelcol-contrib'), { recursive: true });
  const otelDeb = path.join(workDir, `otelcol-contrib_${v.otel}_linux_amd64.deb`);
  await buildDeb(otel, otelDeb);
  finish('otelcol-contrib', v.otel, 'deb', otelDeb);

  const spireTop = `spire-${v.spire}`;
  const spire = path.join(workDir, 'spire', spireTop);
  put(spire, 'bin/spire-agent', composeProgram('spire/spire-agent.py', v.spire, ['spire/node-attestation.py']), 0o755);
  put(spire, 'bin/spire-server', '#!/bin/sh\necho "spire-server stand-in: the server does not run on VMs" >&2\nexit 1\n', 0o755);
  putUpstream(spire, 'conf/agent/agent.conf', 'spiffe-spire/conf/agent/agent.conf');
  put(spire, 'README.md', 'STAND-IN SPIRE release for the vmonboard e2e tests.\n');
  put(spire, 'LICENSE', 'Apache-2.0 (stand-in)\n');
  const tarball = path.join(workDir, `spire-${v.spire}-linux-amd64-musl.tar.gz`);
  await runOk(requireHostTool('tar'), ['-C', path.join(workDir, 'spire'), '--owner=0', '--group=0', '--numeric-owner', '-czf', tarball, spireTop]);
  finish('spire', v.spire, 'tar.gz', tarball);
  return out;
}
