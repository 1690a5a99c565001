/**
 * Scenario (flavor gloo, issue 10): the Gloo on-prem payload, install.sh, run by an operator in a
 * booted Debian 12 machine that got no user data. The stand-ins: gloo-workload-agent.deb and
 * meshctl (test/e2e/standins/gloo/), the harness's istio-sidecar.deb as the Solo sidecar, all from
 * the loopback HTTPS mirror; a loopback listener as the gateway's grpc-cacert port. The stand-in
 * meshctl checks its command line against the workshop flags and records it. Asserted: the
 * recorded call, the verified downloads, the packages installed and checked, the token file
 * removed after success, a no-op re-run, and uninstall.sh.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSpecFile, validateSpecFile } from '../../src/api.js';
import { buildOnboardArgs } from '../../src/delivery/gloo/onboard-args.js';
import { glooPin } from '../../src/delivery/gloo/context.js';
import type { Model } from '../../src/model/model.js';
import { startE2eEnv, DEFAULT_STANDIN_VERSIONS, type E2eEnv } from './harness/e2e-env.js';
import { buildGlooStandins, type GlooStandin } from './standins/gloo/build-gloo-standins.js';
import { GOLDEN_FILES } from '../helpers/golden-cases.js';

const GLOO_VERSION = '2.9.1';
const TOKEN = '0d7c2b1a-9e8f-4a6b-8c5d-3e2f1a0b9c8d';
const TOKEN_PATH = '/etc/vmonboard/join-token';

let env: E2eEnv;
let cacert: Server;
let gloo: { agent: GlooStandin; meshctl: GlooStandin };

beforeAll(async () => {
  env = await startE2eEnv();
  gloo = await buildGlooStandins(path.join(env.workDir, 'gloo-standins'), GLOO_VERSION);
  env.mirror.put(gloo.agent.mirrorPath, gloo.agent.bytes);
  env.mirror.put(gloo.meshctl.mirrorPath, gloo.meshctl.bytes);
  // The gateway's grpc-cacert port: the payload waits for it to accept a connection.
  cacert = createServer((s) => s.end());
  await new Promise<void>((r) => cacert.listen(0, '127.0.0.1', r));
}, 900_000);

afterAll(async () => {
  await new Promise<void>((r) => (cacert ? cacert.close(() => r()) : r()));
  await env?.close();
});

/** Writes the Gloo spec and its lock (the stand-ins' real sha256) and renders it. */
async function renderGlooSpec(): Promise<{ installSh: string; uninstallSh: string; model: Model; warnings: string[] }> {
  const dir = path.join(env.workDir, 'gloo-spec');
  mkdirSync(path.join(dir, 'files'), { recursive: true });
  for (const f of ['mesh-root-ca.pem', 'spire-bundle.pem']) writeFileSync(path.join(dir, 'files', f), readFileSync(path.join(GOLDEN_FILES, f)));
  writeFileSync(path.join(dir, 'files/mirror-ca.pem'), env.ca.caCertPem);
  const sidecar = env.artifacts.find((a) => a.component === 'istio-sidecar' && a.format === 'deb')!;
  const spec = {
    apiVersion: 'vmonboard/v1alpha1',
    kind: 'OnboardingSpec',
    metadata: { name: 'gloo-e2e' },
    mesh: { flavor: 'gloo', istio: { version: DEFAULT_STANDIN_VERSIONS.istio, revision: '1-27' }, trustDomain: 'cluster1', clusterName: 'cluster1', network: 'cluster1', vmNetwork: 'vm-network', podCIDRs: ['10.244.0.0/16'] },
    eastWestGateway: { address: '127.0.0.1', namespace: 'istio-gateways', name: 'istio-eastwestgateway-1-27', ports: { cacert: (cacert.address() as AddressInfo).port }, exposure: { sourceRanges: ['127.0.0.0/8'] } },
    trust: { meshRootCA: { file: 'files/mesh-root-ca.pem' }, spireBundle: { file: 'files/spire-bundle.pem' } },
    gloo: { version: GLOO_VERSION },
    artifacts: {
      mirror: env.mirror.url,
      mirrorCA: { file: 'files/mirror-ca.pem' },
      components: {
        'istio-sidecar': { urls: { 'deb/amd64': `${env.mirror.url}/${sidecar.mirrorPath}` } },
        meshctl: { urls: { 'bin/amd64': `${env.mirror.url}/${gloo.meshctl.mirrorPath}` } },
      },
    },
    platforms: [{ name: 'dc1', kind: 'onprem', delivery: 'shell', targets: { os: ['debian-12'], arch: ['amd64'] }, joinToken: { tokenRef: `file://${TOKEN_PATH}` } }],
    workloads: [{ name: 'vm1', namespace: 'virtualmachines', ports: [{ name: 'http-vm', number: 9999, protocol: 'HTTP' }], probe: { tcpSocket: { port: 9999 } }, platforms: [{ name: 'dc1' }] }],
  };
  const specPath = path.join(dir, 'spec.yaml');
  writeFileSync(specPath, jsYaml.dump(spec));
  const pins = [
    { component: 'gloo-workload-agent', version: GLOO_VERSION, format: 'deb', url: `${env.mirror.url}/${gloo.agent.mirrorPath}`, sha256: gloo.agent.sha256 },
    { component: 'istio-sidecar', version: DEFAULT_STANDIN_VERSIONS.istio, format: 'deb', url: `${env.mirror.url}/${sidecar.mirrorPath}`, sha256: sidecar.sha256 },
    { component: 'meshctl', version: GLOO_VERSION, format: 'bin', url: `${env.mirror.url}/${gloo.meshctl.mirrorPath}`, sha256: gloo.meshctl.sha256 },
  ].map((p) => ({ ...p, arch: 'amd64' }));
  writeFileSync(path.join(dir, 'spec.lock.yaml'), jsYaml.dump({ apiVersion: 'vmonboard.lock/v1', kind: 'ArtifactLock', artifacts: pins }, { forceQuotes: true, lineWidth: -1 }));
  const r = await renderSpecFile(specPath);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.bundle || errors.length > 0) throw new Error(`rendering the gloo e2e spec failed:\n${r.diagnostics.map((d) => `${d.code} ${d.pointer}: ${d.message}`).join('\n')}`);
  const model = (await validateSpecFile(specPath)).model!;
  const text = (p: string): string => String(r.bundle!.get(p)!.content);
  return { installSh: text('vms/virtualmachines/vm1/dc1/install.sh'), uninstallSh: text('vms/virtualmachines/vm1/dc1/uninstall.sh'), model, warnings: r.diagnostics.filter((d) => d.severity !== 'error').map((d) => d.code) };
}

/** An operator's own meshctl, on the VM before vmonboard. */
const OPERATOR_MESHCTL = '#!/bin/sh\necho "the operator\'s own meshctl"\n';

describe('flavor gloo: on-prem install.sh with a stand-in meshctl', () => {
  it('verifies the downloads, onboards with exactly the workshop flags, removes the token, and a re-run is a no-op', async () => {
    const spec = await renderGlooSpec();
    expect(spec.warnings.sort()).toEqual(['GLOO_MESHCTL_MIRROR_CA', 'GLOO_SPIRE_DB_PASSWORD']);
    const m = await env.boot({
      beforeBoot: (root) => {
        // The operator put the token from `meshctl external-workload gen-token` on the host.
        mkdirSync(path.join(root, path.dirname(TOKEN_PATH)), { recursive: true });
        writeFileSync(path.join(root, TOKEN_PATH), `${TOKEN}\n`, { mode: 0o600 });
        // The stand-in meshctl trusts the mirror's test CA from here (the real one's TLS settings are not public).
        mkdirSync(path.join(root, 'etc/vmonboard-e2e'), { recursive: true });
        writeFileSync(path.join(root, 'etc/vmonboard-e2e/mirror-ca.pem'), env.ca.caCertPem);
        // The operator's own meshctl (issue 15 §8): the pinned one replaces it for the onboarding,
        // uninstall.sh puts it back.
        mkdirSync(path.join(root, 'usr/local/bin'), { recursive: true });
        writeFileSync(path.join(root, 'usr/local/bin/meshctl'), OPERATOR_MESHCTL, { mode: 0o750 });
      },
    });
    try {
      await m.container.writeFile('/root/install.sh', spec.installSh, '0755');
      await m.container.writeFile('/root/uninstall.sh', spec.uninstallSh, '0755');
      const since = Date.now();
      const r = await m.container.exec(['bash', '-c', 'cd /root && ./install.sh'], { env: { HOME: '/root' }, timeoutMs: 400_000 });
      const tail = (r.stdout + r.stderr).split('\n').slice(-40).join('\n');
      expect(r.code, tail).toBe(0);

      // One meshctl call, with exactly the workshop flags and this VM's values (and the host's token).
      expect(await m.container.sh('cat /var/lib/meshctl-standin/count')).toBe('1\n');
      expect(await m.container.shResult('ls /var/lib/meshctl-standin/error.* 2>/dev/null')).toMatchObject({ stdout: '' });
      const argv = (await m.container.sh('cat /var/lib/meshctl-standin/argv.1')).replace(/\n$/, '').split('\n');
      const model = spec.model;
      expect(argv).toEqual(buildOnboardArgs(model, model.workloads[0]!, { agent: glooPin(model, 'gloo-workload-agent', 'deb'), sidecar: glooPin(model, 'istio-sidecar', 'deb') }).map((a) => ('token' in a ? TOKEN : a.word)));

      // Downloads: the payload fetched each pin once and checked it; meshctl fetched the two packages again itself.
      const got = env.mirror.downloads(since).map((d) => d.path);
      const agentPath = `/${gloo.agent.mirrorPath}`;
      const sidecarPath = new URL(glooPin(model, 'istio-sidecar', 'deb').url).pathname;
      expect(got.filter((p) => p === `/${gloo.meshctl.mirrorPath}`)).toHaveLength(1);
      expect(got.filter((p) => p === agentPath)).toHaveLength(2);
      expect(got.filter((p) => p === sidecarPath)).toHaveLength(2);
      expect(await m.container.sh('sha256sum /usr/local/bin/meshctl | cut -d" " -f1')).toBe(`${gloo.meshctl.sha256}\n`);
      expect(await m.container.sh('stat -c %a /usr/local/bin/meshctl')).toBe('755\n');

      // Installed and checked against the verified copies; the token file is gone; status and marker recorded.
      expect(await m.container.sh("dpkg-query -W -f='${Package} ${Version}\\n' gloo-workload-agent istio-sidecar")).toBe(`gloo-workload-agent ${GLOO_VERSION}\nistio-sidecar ${DEFAULT_STANDIN_VERSIONS.istio}\n`);
      expect(await m.container.sh('cat /var/lib/vmonboard/gloo/packages')).toBe('gloo-workload-agent\nistio-sidecar\n');
      // What this payload installed, for uninstall.sh: both packages (none was there before), and
      // the pinned meshctl in place of the operator's, whose copy is kept.
      expect(await m.container.sh('cd /var/lib/vmonboard/installed && ls && cat gloo-workload-agent istio-sidecar')).toBe(
        `gloo-workload-agent\nistio-sidecar\nmeshctl\nmeshctl.preexisting\n${GLOO_VERSION}\n${DEFAULT_STANDIN_VERSIONS.istio}\n`,
      );
      expect(await m.container.sh('cat /var/lib/vmonboard/installed/meshctl.preexisting')).toBe(OPERATOR_MESHCTL);
      expect(await m.container.shResult(`test -e ${TOKEN_PATH}`)).toMatchObject({ code: 1 });
      expect(JSON.parse(await m.container.sh('cat /var/lib/vmonboard/status.json'))).toMatchObject({ state: 'ok', step: 'check' });
      const logs = await m.container.sh('cat /var/log/vmonboard/bootstrap.log /var/lib/vmonboard/gloo/onboard.log');
      expect(logs).toContain('Onboarding complete!');
      expect(logs).not.toContain(TOKEN);

      // A re-run of the same payload: nothing downloaded, meshctl not called again.
      const again = Date.now();
      const r2 = await m.container.exec(['bash', '-c', 'cd /root && ./install.sh'], { env: { HOME: '/root' }, timeoutMs: 120_000 });
      expect(r2.code, r2.stdout + r2.stderr).toBe(0);
      expect(r2.stdout + r2.stderr).toContain('is already applied; nothing to do');
      expect(env.mirror.downloads(again)).toEqual([]);
      expect(await m.container.sh('cat /var/lib/meshctl-standin/count')).toBe('1\n');

      // Offboarding: meshctl's uninstall, then the packages and the state are gone; meshctl is the operator's again.
      const u = await m.container.exec(['bash', '-c', 'cd /root && ./uninstall.sh'], { env: { HOME: '/root' }, timeoutMs: 300_000 });
      expect(u.code, u.stdout + u.stderr).toBe(0);
      expect(await m.container.sh('cat /var/lib/meshctl-standin/argv.2')).toBe('external-workload\nuninstall\n');
      expect((await m.container.shResult('dpkg-query -W gloo-workload-agent istio-sidecar')).code).not.toBe(0);
      expect((await m.container.shResult('test -e /var/lib/vmonboard')).code).toBe(1);
      // The operator's meshctl is back, with its mode.
      expect(await m.container.sh('cat /usr/local/bin/meshctl; stat -c %a /usr/local/bin/meshctl')).toBe(`${OPERATOR_MESHCTL}750\n`);
      expect(u.stdout).toContain('vmonboard: put back the meshctl that was at /usr/local/bin/meshctl before vmonboard');
      expect(u.stdout).not.toContain('vmonboard: left');
      expect(u.stdout).toContain('kubectl -n virtualmachines delete externalworkload vm1');
    } finally {
      await m.dispose();
    }
  }, 900_000);

  it('a tampered mirror aborts before meshctl runs and keeps the token', async () => {
    const spec = await renderGlooSpec();
    env.mirror.tamper(gloo.agent.mirrorPath);
    const m = await env.boot({
      beforeBoot: (root) => {
        mkdirSync(path.join(root, path.dirname(TOKEN_PATH)), { recursive: true });
        writeFileSync(path.join(root, TOKEN_PATH), `${TOKEN}\n`, { mode: 0o600 });
      },
    });
    try {
      await m.container.writeFile('/root/install.sh', spec.installSh, '0755');
      const r = await m.container.exec(['bash', '-c', 'cd /root && ./install.sh'], { env: { HOME: '/root' }, timeoutMs: 400_000 });
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/sha256 mismatch for https:\/\/[^ ]+gloo-workload-agent\.deb/);
      expect((await m.container.shResult('test -e /var/lib/meshctl-standin/count')).code).toBe(1);
      expect(await m.container.sh(`cat ${TOKEN_PATH}`)).toBe(`${TOKEN}\n`);
      expect(JSON.parse(await m.container.sh('cat /var/lib/vmonboard/status.json'))).toMatchObject({ state: 'failed', step: 'download' });
    } finally {
      env.mirror.untamperAll();
      await m.dispose();
    }
  }, 900_000);
});
