/**
 * The bootstrap end to end in a sandbox (root prefix + shims): a fresh install, the no-op re-run,
 * convergence on a new payload, a checksum failure, the rpm and arm64 branches, the metadata
 * guard, and the first boot of a baked image.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenModel } from '../helpers/golden-cases.js';
import { createSandbox, runBash, type Sandbox } from './helpers/sandbox.js';
import { withSandboxArtifacts } from './helpers/artifacts.js';
import { firstVm } from './helpers/corpus.js';
import { callsOf, createSdsSocket, runPayload } from './helpers/run-payload.js';
import { renderBake, type VmInputs } from '../../src/delivery/bootstrap.js';

const AL2023 = 'NAME="Amazon Linux"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\n';

let sb: Sandbox;
afterEach(() => sb?.cleanup());

function status(s: Sandbox): { state: string; step: string; payload: string; detail: string } {
  return JSON.parse(s.read('/var/lib/vmonboard/status.json') ?? '{}') as { state: string; step: string; payload: string; detail: string };
}

/** Units restarted, in the order given to `systemctl restart --no-block`. */
function restarts(s: Sandbox): string[] {
  return callsOf(s, 'systemctl').filter((a) => a[0] === 'restart').flatMap((a) => a.slice(2));
}

async function freshVm(name: string, osRelease?: string): Promise<VmInputs> {
  sb = createSandbox(osRelease);
  createSdsSocket(sb);
  return firstVm(withSandboxArtifacts(sb, await goldenModel(name)));
}

describe('bootstrap on a fresh VM', () => {
  it('installs the pinned packages, places every config with its owner and mode, starts SPIRE, the sidecar, then the collector', async () => {
    const vm = await freshVm('aws-cloudinit');
    const r = await runPayload(sb, vm);
    expect(r.code, r.output).toBe(0);
    const apt = callsOf(sb, 'apt-get');
    expect(apt[0]).toEqual(['-q', '-o', 'DPkg::Lock::Timeout=300', 'update']);
    expect(apt.slice(1).map((a) => a.slice(0, 6))).toEqual([
      ['-q', '-y', '-o', 'DPkg::Lock::Timeout=300', '-o', 'Dpkg::Options::=--force-confold'],
      ['-q', '-y', '-o', 'DPkg::Lock::Timeout=300', '-o', 'Dpkg::Options::=--force-confold'],
    ]);
    expect(callsOf(sb, 'dnf')).toEqual([]);
    // SPIRE from its tarball: the agent under /opt/spire, linked from the path its unit runs.
    expect(readFileSync(join(sb.root, 'opt/spire/bin/spire-agent'), 'utf8')).toContain('# v1 amd64');
    expect(readlinkSync(join(sb.root, 'usr/local/bin/spire-agent'))).toBe('../../../opt/spire/bin/spire-agent');
    const chowns = callsOf(sb, 'chown');
    for (const f of vm.agentFiles.filter((x) => x.install !== 'hosts-block')) {
      expect(sb.read(f.vmPath), f.vmPath).toBe(f.content);
      expect(statSync(join(sb.root, f.vmPath)).mode & 0o7777, f.vmPath).toBe(f.mode);
      expect(chowns, f.vmPath).toContainEqual([`${f.owner}:${f.group}`, join(sb.root, f.vmPath)]);
    }
    // The group no package creates.
    expect(callsOf(sb, 'groupadd')).toEqual([['--system', 'spire']]);
    const order = restarts(sb);
    expect(order.indexOf('spire-agent.service')).toBeLessThan(order.indexOf('istio.service'));
    expect(order.indexOf('istio.service')).toBeLessThan(order.indexOf('otelcol-contrib.service'));
    expect(callsOf(sb, 'systemctl').filter((a) => a[0] === 'restart').every((a) => a[1] === '--no-block')).toBe(true);
    expect(sb.read('/etc/hosts')).toContain(`${vm.model.gateway.address} ${vm.model.mesh.istiod.host}`);
    expect(sb.read('/var/lib/vmonboard/payload')).toBe(`${r.boot.payloadHash}\n`);
    expect(status(sb)).toMatchObject({ state: 'ok', step: 'verify', payload: r.boot.payloadHash });
    expect(sb.read('/var/log/vmonboard/bootstrap.log')).toContain('restarting spire-agent.service istio.service otelcol-contrib.service');
  });

  it('is a no-op when the same payload runs again (GCE runs startup-script on every boot)', async () => {
    const vm = await freshVm('aws-cloudinit');
    expect((await runPayload(sb, vm)).code).toBe(0);
    sb.resetCalls();
    const again = await runPayload(sb, vm);
    expect(again.code).toBe(0);
    expect(again.output).toContain('is already applied; nothing to do');
    expect(sb.calls()).toEqual([]);
  });

  it('converges on a new payload: replaces only the changed config and restarts only its units', async () => {
    const vm = await freshVm('aws-cloudinit');
    const first = await runPayload(sb, vm);
    expect(first.code).toBe(0);
    sb.resetCalls();
    const changed = vm.agentFiles.map((f) => (f.bundlePath === 'istio/mesh.yaml' ? { ...f, content: `${f.content}# changed\n` } : f));
    const second = await runPayload(sb, { ...vm, agentFiles: changed });
    expect(second.code, second.output).toBe(0);
    expect(second.boot.payloadHash).not.toBe(first.boot.payloadHash);
    expect(restarts(sb)).toEqual(['istio.service']);
    expect(callsOf(sb, 'apt-get').filter((a) => a.includes('install'))).toEqual([]);
    expect(sb.read('/etc/istio/config/mesh')).toContain('# changed');
    expect(second.output.match(/placed /g)).toHaveLength(1);
    expect(sb.read('/var/lib/vmonboard/payload')).toBe(`${second.boot.payloadHash}\n`);
  });

  it('converges on a new package pin: reinstalls that package only and restarts its units', async () => {
    const vm = await freshVm('aws-cloudinit');
    expect((await runPayload(sb, vm)).code).toBe(0);
    sb.resetCalls();
    const model = structuredClone(vm.model);
    const pin = model.artifacts.pins.find((p) => p.component === 'otelcol-contrib' && p.format === 'deb')!;
    writeFileSync(join(sb.files, 'otelcol-new.deb'), 'fake otelcol-contrib v2\n');
    pin.url = 'https://mirror.test/pkgs/otelcol-new.deb';
    const { createHash } = await import('node:crypto');
    pin.sha256 = createHash('sha256').update('fake otelcol-contrib v2\n').digest('hex');
    const r = await runPayload(sb, { ...vm, model });
    expect(r.code, r.output).toBe(0);
    expect(callsOf(sb, 'apt-get').filter((a) => a.includes('install')).map((a) => a[a.length - 1])).toEqual([join(sb.root, 'var/lib/vmonboard/dl/otelcol-contrib.deb')]);
    expect(restarts(sb)).toEqual(['otelcol-contrib.service']);
  });

  // Tampering the first download and the last one must both leave the host untouched: checking
  // only as you go would already have installed the earlier packages when the last one fails.
  it.each([['istio-sidecar', 'deb'], ['spire', 'tar.gz']])('aborts on a bad %s checksum before installing anything, naming the artifact', async (component, format) => {
    const vm = await freshVm('aws-cloudinit');
    const pin = vm.model.artifacts.pins.find((p) => p.component === component && p.format === format)!;
    writeFileSync(join(sb.files, pin.url.split('/').pop()!), 'tampered\n');
    const r = await runPayload(sb, vm);
    expect(r.code).toBe(1);
    expect(r.output).toContain(`sha256 mismatch for ${pin.url}`);
    expect(status(sb)).toMatchObject({ state: 'failed', step: 'install' });
    expect(status(sb).detail).toContain(pin.url);
    expect(callsOf(sb, 'apt-get')).toEqual([]);
    expect(existsSync(join(sb.root, 'opt/spire/bin/spire-agent'))).toBe(false);
    expect(existsSync(join(sb.root, `var/lib/vmonboard/dl/${component === 'spire' ? 'spire.tar.gz' : 'istio-sidecar.deb'}.part`))).toBe(false);
    expect(existsSync(join(sb.root, 'var/lib/vmonboard/payload'))).toBe(false);
  });

  it('gives up on an unreachable mirror after its retries, naming the URL', async () => {
    const vm = await freshVm('aws-cloudinit');
    const pin = vm.model.artifacts.pins.find((p) => p.component === 'otelcol-contrib' && p.format === 'deb')!;
    rmSync(join(sb.files, pin.url.split('/').pop()!));
    const r = await runPayload(sb, vm, 'full', { RETRIES: '3' });
    expect(r.code).toBe(1);
    expect(callsOf(sb, 'curl').filter((a) => a.includes(pin.url))).toHaveLength(3);
    expect(callsOf(sb, 'sleep')).toHaveLength(2);
    expect(status(sb)).toMatchObject({ state: 'failed', step: 'install', detail: `cannot download ${pin.url}` });
    expect(callsOf(sb, 'apt-get')).toEqual([]);
  });

  it('takes the rpm branch on Amazon Linux 2023 and enables the collector explicitly', async () => {
    const vm = await freshVm('aws-cloudinit', AL2023);
    const r = await runPayload(sb, vm);
    expect(r.code, r.output).toBe(0);
    expect(callsOf(sb, 'apt-get')).toEqual([]);
    expect(callsOf(sb, 'dnf').map((a) => a.slice(0, 3))).toEqual([['-q', '-y', 'install'], ['-q', '-y', 'install']]);
    expect(callsOf(sb, 'dnf').map((a) => a[3])).toEqual([join(sb.root, 'var/lib/vmonboard/dl/istio-sidecar.rpm'), join(sb.root, 'var/lib/vmonboard/dl/otelcol-contrib.rpm')]);
    expect(callsOf(sb, 'systemctl')).toContainEqual(['enable', '--now', '--no-block', 'otelcol-contrib.service']);
  });

  it('downloads the arm64 pins on an arm64 VM (startup-script delivery carries the configs itself)', async () => {
    const vm = await freshVm('gcp-startup-script', 'ID=debian\nVERSION_ID="12"\n');
    const r = await runPayload(sb, vm, 'full', { SHIM_UNAME_M: 'aarch64' });
    expect(r.code, r.output).toBe(0);
    const urls = callsOf(sb, 'curl').map((a) => a[a.length - 1]!).filter((u) => u.startsWith('https://mirror.test/'));
    expect(urls).toHaveLength(3);
    expect(urls.every((u) => u.includes('-arm64.'))).toBe(true);
    for (const f of vm.agentFiles.filter((x) => x.install !== 'hosts-block')) expect(sb.read(f.vmPath), f.vmPath).toBe(f.content);
  });

  it('fails with a status when the OS is not one of the targets', async () => {
    const vm = await freshVm('aws-cloudinit', 'ID=alpine\n');
    const r = await runPayload(sb, vm);
    expect(r.code).toBe(1);
    expect(status(sb)).toMatchObject({ state: 'failed', step: 'detect' });
    expect(status(sb).detail).toContain('unsupported OS (alpine ); targets: amazonlinux-2023 ubuntu-22.04');
  });

  it('uses the real metadata endpoint constant unless the test-only override is set (and the shim refuses it)', async () => {
    const vm = await freshVm('aws-cloudinit');
    const r = await runPayload(sb, vm, 'full', { VMONBOARD_TEST_METADATA_URL: '' });
    expect(r.code).toBe(1);
    expect(r.output).toContain('FORBIDDEN metadata URL http://169.254.169.254/latest/api/token');
    expect(status(sb)).toMatchObject({ state: 'failed', step: 'identity' });
  });
});

describe('first boot of a baked image (bake: true)', () => {
  it('bake.sh installs the packages and SPIRE with no identity or config; the first boot then configures and starts, downloading nothing', async () => {
    const vm = await freshVm('aws-bake', AL2023);
    const bake = join(sb.dir, 'bake.sh');
    writeFileSync(bake, renderBake(vm), { mode: 0o700 });
    const baked = await runBash([bake], sb.env);
    expect(baked.code, baked.stdout + baked.stderr).toBe(0);
    expect(callsOf(sb, 'dnf').map((a) => a[2])).toEqual(['install', 'install']);
    expect(callsOf(sb, 'systemctl')).toEqual([['disable', '--now', 'istio.service', 'otelcol-contrib.service']]);
    for (const f of vm.agentFiles.filter((x) => x.install !== 'hosts-block')) expect(sb.read(f.vmPath), f.vmPath).toBeUndefined();
    expect(sb.read('/etc/hosts')).not.toContain('vmonboard');
    expect(existsSync(join(sb.root, 'var/lib/vmonboard/dl'))).toBe(false);
    sb.resetCalls();
    const r = await runPayload(sb, vm, 'firstboot', { SHIM_INSTALLED: 'istio-sidecar otelcol-contrib' });
    expect(r.code, r.output).toBe(0);
    expect(callsOf(sb, 'curl').filter((a) => a.some((x) => x.startsWith('https://')))).toEqual([]);
    expect(callsOf(sb, 'dnf')).toEqual([]);
    expect(callsOf(sb, 'rpm')).toEqual([['-q', '--quiet', 'istio-sidecar'], ['-q', '--quiet', 'otelcol-contrib']]);
    expect(restarts(sb)).toContain('spire-agent.service');
  });

  it('stops with a clear message when the image was not baked', async () => {
    const vm = await freshVm('aws-bake', AL2023);
    const r = await runPayload(sb, vm, 'firstboot', { SHIM_INSTALLED: 'otelcol-contrib' });
    expect(r.code).toBe(1);
    expect(status(sb).detail).toBe('istio-sidecar missing: bake the image with bake.sh');
  });
});
