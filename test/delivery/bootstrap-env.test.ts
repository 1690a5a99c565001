/**
 * The bootstrap's environment handling in a sandbox: mirror CA and proxies from the spec (with
 * the metadata services always in NO_PROXY), HOME defaulted when cloud-init or the GCE guest
 * agent provides none, and one run at a time under the lock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenModel, GOLDEN_FILES } from '../helpers/golden-cases.js';
import { createSandbox, runBash, writeLibrary, type Sandbox } from './helpers/sandbox.js';
import { withSandboxArtifacts } from './helpers/artifacts.js';
import { firstVm } from './helpers/corpus.js';
import { callsOf, createSdsSocket, runPayload } from './helpers/run-payload.js';
import { renderBake, renderBootstrap } from '../../src/delivery/bootstrap.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

describe('mirror, mirror CA and proxies (air-gapped bake)', () => {
  it('trusts the mirror CA for mirror URLs only and downloads through the proxy, never proxying metadata', async () => {
    sb = createSandbox('ID="rhel"\nID_LIKE="fedora"\n');
    const model = withSandboxArtifacts(sb, await goldenModel('onprem-airgapped-bake'));
    model.artifacts.mirror = 'https://mirror.test/pkgs';
    const bake = join(sb.dir, 'bake.sh');
    writeFileSync(bake, renderBake(firstVm(model)), { mode: 0o700 });
    const r = await runBash([bake], { ...sb.env, NO_PROXY: 'existing.example' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ca = join(sb.root, 'var/lib/vmonboard/staged/vmonboard/mirror-ca.pem');
    expect(readFileSync(ca, 'utf8')).toBe(readFileSync(join(GOLDEN_FILES, 'mirror-ca.pem'), 'utf8'));
    const downloads = callsOf(sb, 'curl').filter((a) => a.includes('-o'));
    expect(downloads).toHaveLength(3);
    for (const d of downloads) expect(d.slice(d.indexOf('--cacert'), d.indexOf('--cacert') + 2)).toEqual(['--cacert', ca]);
    const env = callsOf(sb, 'curl-env');
    expect(env[0]).toEqual(['https_proxy=http://proxy.corp.internal:3128', 'NO_PROXY=existing.example,169.254.169.254,metadata.google.internal,localhost,127.0.0.1,.corp.internal']);
  });

  it('does not pass the mirror CA for URLs outside the mirror', async () => {
    sb = createSandbox('ID="rhel"\nID_LIKE="fedora"\n');
    const model = withSandboxArtifacts(sb, await goldenModel('onprem-airgapped-bake'));
    const bake = join(sb.dir, 'bake.sh');
    writeFileSync(bake, renderBake(firstVm(model)), { mode: 0o700 });
    expect((await runBash([bake], sb.env)).code).toBe(0);
    expect(callsOf(sb, 'curl').filter((a) => a.includes('--cacert'))).toEqual([]);
  });
});

describe('runtime environment', () => {
  it('defaults HOME (cloud-init and the guest agent may run it without one)', async () => {
    sb = createSandbox();
    const lib = writeLibrary(sb, renderBootstrap(firstVm(await goldenModel('aws-cloudinit')), 'full').script);
    const { HOME: _home, ...noHome } = sb.env;
    const r = await runBash(['-c', `source ${lib}\necho "HOME=$HOME TMPDIR=$TMPDIR"`], noHome);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`HOME=/root TMPDIR=${sb.root}/var/lib/vmonboard/tmp`);
  });

  it('waits for a run that holds the lock instead of running beside it', async () => {
    sb = createSandbox();
    createSdsSocket(sb);
    const vm = firstVm(withSandboxArtifacts(sb, await goldenModel('aws-cloudinit')));
    expect((await runPayload(sb, vm)).code).toBe(0);
    const holder = runBash(['-c', `exec 9>"${sb.root}/var/lib/vmonboard/lock"; flock 9; echo held; /usr/bin/sleep 2`], sb.env);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const start = Date.now();
    const again = await runPayload(sb, vm);
    expect(again.code).toBe(0);
    expect(Date.now() - start).toBeGreaterThanOrEqual(1500);
    expect((await holder).stdout).toContain('held');
  });
});
