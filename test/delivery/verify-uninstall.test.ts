/**
 * verify.sh and uninstall.sh on a sandbox VM: verify reports every check to the status file and
 * the exit code; uninstall removes what the bootstrap installed and prints the SPIRE eviction
 * step with the agent ID it derives on the VM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenModel, GOLDEN_FILES } from '../helpers/golden-cases.js';
import { createSandbox, runBash, type Sandbox } from './helpers/sandbox.js';
import { withSandboxArtifacts } from './helpers/artifacts.js';
import { firstVm } from './helpers/corpus.js';
import { callsOf, createSdsSocket, runPayload } from './helpers/run-payload.js';
import { startSecretStub, type SecretStub } from './helpers/stub-server.js';
import { renderVmPayload } from '../../src/delivery/payloads.js';
import type { VmInputs } from '../../src/delivery/bootstrap.js';

let sb: Sandbox | undefined;
let stub: SecretStub | undefined;
afterEach(async () => {
  sb?.cleanup();
  await stub?.close();
  sb = undefined;
  stub = undefined;
});

function script(vm: VmInputs, name: string, s: Sandbox): string {
  const file = renderVmPayload(vm).files.find((f) => f.name === name);
  if (!file) throw new Error(`no ${name}`);
  const path = join(s.dir, name);
  writeFileSync(path, file.content, { mode: 0o700 });
  return path;
}

function status(s: Sandbox): { state: string; detail: string } {
  return JSON.parse(s.read('/var/lib/vmonboard/status.json') ?? '{}') as { state: string; detail: string };
}

describe('verify.sh', () => {
  it('passes when every agent is healthy and every gateway port answers', async () => {
    sb = createSandbox();
    const vm = firstVm(await goldenModel('aws-cloudinit'));
    createSdsSocket(sb);
    sb.write('/usr/local/bin/spire-agent', '#!/bin/bash\nexit 0\n', 0o755);
    const r = await runBash([script(vm, 'verify.sh', sb)], sb.env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(status(sb)).toMatchObject({ state: 'ok', detail: 'all checks passed' });
    const ports = callsOf(sb, 'timeout').map((a) => `${a[a.length - 2]}:${a[a.length - 1]}`);
    expect(ports).toEqual(['203.0.113.10:15443', '203.0.113.10:15012', '203.0.113.10:15017', '203.0.113.10:15021', '203.0.113.10:8081', '203.0.113.10:4317']);
  });

  it('fails, listing each failed check, when the SDS socket is missing and the gateway does not answer', async () => {
    sb = createSandbox();
    const vm = firstVm(await goldenModel('aws-cloudinit'));
    sb.write('/usr/local/bin/spire-agent', '#!/bin/bash\nexit 1\n', 0o755);
    const r = await runBash([script(vm, 'verify.sh', sb)], { ...sb.env, SHIM_RC_timeout: '124' });
    expect(r.code).toBe(1);
    expect(status(sb)).toMatchObject({ state: 'failed', detail: 'checks failed: sds-socket spire-agent-health gateway-tls gateway-istiod gateway-webhook gateway-status gateway-spire gateway-otlp' });
  });

  it('adds the last log line of each failed agent unit: the agent says why', async () => {
    sb = createSandbox();
    const vm = firstVm(await goldenModel('aws-cloudinit'));
    sb.write('/usr/local/bin/spire-agent', '#!/bin/bash\nexit 1\n', 0o755);
    const why = 'spire-agent: cannot authenticate the SPIRE server at 203.0.113.10:8081 against the bootstrap bundle: unable to get local issuer certificate';
    // pilot-agent's stderr goes to istio-start.sh's log file, not the journal.
    sb.write('/var/log/istio/istio.err.log', 'old line\npilot-agent: istiod refused the xDS connection\n');
    const r = await runBash([script(vm, 'verify.sh', sb)], { ...sb.env, SHIM_RC_is_active: '3', SHIM_JOURNAL: why });
    expect(r.code).toBe(1);
    const detail = status(sb).detail;
    expect(detail).toMatch(/^checks failed: spire-agent\.service istio\.service otelcol-contrib\.service sds-socket /);
    expect(detail).toContain(`; spire-agent.service: ${why} istio.service: /var/log/istio/istio.err.log: pilot-agent: istiod refused the xDS connection`);
    expect(r.stderr).toContain(`why: spire-agent.service: ${why}`);
    expect(callsOf(sb, 'journalctl')).toContainEqual(['--no-pager', '-o', 'cat', '-n', '1', '_SYSTEMD_UNIT=spire-agent.service', '_TRANSPORT=stdout']);
  });

  it('connects to the gateway as istio-proxy, whose traffic the sidecar does not capture', async () => {
    sb = createSandbox();
    const vm = firstVm(await goldenModel('aws-cloudinit'));
    await runBash([script(vm, 'verify.sh', sb)], { ...sb.env, SHIM_RC_id: '0' });
    expect(callsOf(sb, 'runuser')[0]?.slice(0, 6)).toEqual(['-u', 'istio-proxy', '--', 'timeout', '5', 'bash']);
  });
});

describe('uninstall.sh', () => {
  it('removes units, packages, configs, state and the hosts block, and prints the x509pop eviction step', async () => {
    sb = createSandbox('ID=ubuntu\nID_LIKE=debian\n');
    const vm = firstVm(withSandboxArtifacts(sb, await goldenModel('onprem-x509pop')));
    createSdsSocket(sb);
    sb.write('/etc/pki/vmonboard/host.key', 'key', 0o600);
    const cert = readFileSync(join(GOLDEN_FILES, 'onprem-host-ca.pem'), 'utf8');
    sb.write('/etc/pki/vmonboard/host.crt', cert);
    // onprem-x509pop's gateway is a DNS name: the shim resolves it.
    expect((await runPayload(sb, vm, 'full', { SHIM_AHOSTS: '192.0.2.5' })).code).toBe(0);
    sb.write('/usr/local/bin/istio-start.sh', `#!/bin/bash\necho "istio-start $*" >>"$SHIM_LOG"\n`, 0o755);
    sb.write('/etc/hosts', `${sb.read('/etc/hosts')}10.9.9.9 after\n`);
    sb.resetCalls();
    const r = await runBash([script(vm, 'uninstall.sh', sb)], sb.env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(callsOf(sb, 'systemctl')[0]).toEqual(['disable', '--now', 'vmonboard-hosts.service', 'vmonboard-svid-sync.timer', 'vmonboard-svid-sync.service', 'vmonboard-hosts.timer', 'otelcol-contrib.service', 'istio.service', 'spire-agent.service']);
    // A oneshot stopped mid-run stays "not-found failed" once its file is gone: cleared last.
    expect(callsOf(sb, 'systemctl').at(-1)).toEqual(['reset-failed', ...callsOf(sb, 'systemctl')[0]!.slice(2)]);
    expect(sb.calls().map((c) => c.join(' '))).toContain('istio-start clean');
    expect(callsOf(sb, 'apt-get')).toEqual([['-q', '-y', '-o', 'DPkg::Lock::Timeout=300', 'purge', 'istio-sidecar', 'otelcol-contrib']]);
    for (const f of vm.agentFiles.filter((x) => x.install !== 'hosts-block')) expect(sb.read(f.vmPath), f.vmPath).toBeUndefined();
    for (const p of ['opt/spire', 'usr/local/bin/spire-agent', 'var/lib/vmonboard', 'usr/local/sbin/vmonboard-verify']) expect(existsSync(join(sb.root, p)), p).toBe(false);
    expect(sb.read('/etc/hosts')).toBe('127.0.0.1 localhost\n::1 localhost\n10.9.9.9 after\n');
    expect(sb.read('/etc/pki/vmonboard/host.key')).toBe('key');
    const fingerprint = createHash('sha1').update(new X509Certificate(cert).raw).digest('hex');
    expect(r.stdout).toContain(`spire-server agent evict -spiffeID spiffe://example.org/spire/agent/x509pop/${fingerprint}`);
  });

  // Issue 15 §8: uninstall.sh purged istio-sidecar and otelcol-contrib and deleted
  // /etc/otelcol-contrib/config.yaml even when the operator had installed them before vmonboard.
  it('leaves a package that was on the VM before vmonboard, with its config, and says so', async () => {
    sb = createSandbox('ID=ubuntu\nID_LIKE=debian\n');
    const vm = firstVm(withSandboxArtifacts(sb, await goldenModel('onprem-x509pop')));
    createSdsSocket(sb);
    sb.write('/etc/pki/vmonboard/host.key', 'key', 0o600);
    sb.write('/etc/pki/vmonboard/host.crt', readFileSync(join(GOLDEN_FILES, 'onprem-host-ca.pem'), 'utf8'));
    // The operator's collector was installed before the first boot; the sidecar was not.
    expect((await runPayload(sb, vm, 'full', { SHIM_AHOSTS: '192.0.2.5', SHIM_INSTALLED: 'otelcol-contrib' })).code).toBe(0);
    expect(sb.read('/var/lib/vmonboard/installed/otelcol-contrib.preexisting')).toBe('');
    expect(sb.read('/var/lib/vmonboard/installed/istio-sidecar.preexisting')).toBeUndefined();
    sb.resetCalls();
    const r = await runBash([script(vm, 'uninstall.sh', sb)], sb.env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(callsOf(sb, 'apt-get')).toEqual([['-q', '-y', '-o', 'DPkg::Lock::Timeout=300', 'purge', 'istio-sidecar']]);
    expect(sb.read('/etc/otelcol-contrib/config.yaml')).toBeDefined();
    expect(r.stdout).toContain('vmonboard: left /etc/otelcol-contrib/config.yaml (its package was on this VM before vmonboard)');
    expect(r.stdout).toContain('vmonboard: left the package otelcol-contrib installed: vmonboard did not install it');
    expect(sb.read('/var/lib/istio/envoy/cluster.env')).toBeUndefined();
  });

  it('derives an aws_iid agent ID from the instance identity document (IMDSv2)', async () => {
    sb = createSandbox();
    stub = await startSecretStub({});
    const vm = firstVm(await goldenModel('aws-cloudinit'));
    const r = await runBash([script(vm, 'uninstall.sh', sb)], { ...sb.env, SHIM_REAL_CURL: '1', VMONBOARD_TEST_METADATA_URL: stub.url });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('spire-server agent evict -spiffeID spiffe://example.org/spire/agent/aws_iid/123456789012/us-east-1/i-0123456789abcdef0');
  });

  it('points at spire-server agent list for a join-token node instead of printing the token', async () => {
    sb = createSandbox('ID=debian\n');
    sb.write('/etc/vmonboard/join-token', 'secret-token');
    const vm = firstVm(await goldenModel('baremetal-jointoken'));
    const r = await runBash([script(vm, 'uninstall.sh', sb)], sb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('spire-server agent list');
    expect(r.stdout + r.stderr).not.toContain('secret-token');
  });
});
