/**
 * Issue 15 §7 and §8 (flavor istio) repros on the rendered payload in a sandbox, asserting only
 * the bug's symptom (no marker file or message the fix introduced), so each fails on dad2466 for
 * the bug itself: /etc/passwd chmodded 0600 and chowned through a planted join-token link; the
 * operator's otelcol-contrib purged and its config.yaml deleted by uninstall.sh.
 * test/delivery/secrets.test.ts and verify-uninstall.test.ts check the messages and markers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { linkSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBootstrap, type VmInputs } from '../../src/delivery/bootstrap.js';
import { renderVmPayload } from '../../src/delivery/payloads.js';
import { goldenModel, GOLDEN_FILES } from '../helpers/golden-cases.js';
import { createSandbox, runBash, writeLibrary, type Sandbox } from '../delivery/helpers/sandbox.js';
import { withSandboxArtifacts } from '../delivery/helpers/artifacts.js';
import { firstVm } from '../delivery/helpers/corpus.js';
import { callsOf, createSdsSocket, runPayload } from '../delivery/helpers/run-payload.js';

let sb: Sandbox | undefined;
afterEach(() => {
  sb?.cleanup();
  sb = undefined;
});

describe('§7 a planted /etc/vmonboard/join-token -> /etc/passwd (file:// join token)', () => {
  it.each([
    ['a symlink', (s: Sandbox) => symlinkSync(join(s.root, 'etc/passwd'), join(s.root, 'etc/vmonboard/join-token'))],
    ['a hard link', (s: Sandbox) => linkSync(join(s.root, 'etc/passwd'), join(s.root, 'etc/vmonboard/join-token'))],
  ])('%s: /etc/passwd keeps its mode and is never chowned', async (_name, plant) => {
    sb = createSandbox('ID=debian\n');
    const lib = writeLibrary(sb, renderBootstrap(firstVm(await goldenModel('baremetal-jointoken')), 'full').script);
    sb.write('/etc/passwd', 'root:x:0:0::/root:/bin/bash\n', 0o644);
    mkdirSync(join(sb.root, 'etc/vmonboard'), { recursive: true });
    plant(sb);
    const r = await runBash(['-c', `source ${lib}\nfetch_secrets`], sb.env);
    const chownedWithoutH = callsOf(sb, 'chown').filter((a) => !a.includes('-h'));
    expect({ passwdMode: (statSync(join(sb.root, 'etc/passwd')).mode & 0o777).toString(8), chownedWithoutH, exit: r.code }).toMatchObject({ passwdMode: '644', chownedWithoutH: [] });
  });
});

describe('§8 uninstall.sh and a package the operator installed before vmonboard (flavor istio)', () => {
  it('does not purge otelcol-contrib nor delete its config.yaml', async () => {
    sb = createSandbox('ID=ubuntu\nID_LIKE=debian\n');
    const vm: VmInputs = firstVm(withSandboxArtifacts(sb, await goldenModel('onprem-x509pop')));
    createSdsSocket(sb);
    sb.write('/etc/pki/vmonboard/host.key', 'key', 0o600);
    sb.write('/etc/pki/vmonboard/host.crt', readFileSync(join(GOLDEN_FILES, 'onprem-host-ca.pem'), 'utf8'));
    expect((await runPayload(sb, vm, 'full', { SHIM_AHOSTS: '192.0.2.5', SHIM_INSTALLED: 'otelcol-contrib' })).code).toBe(0);
    sb.resetCalls();
    const file = renderVmPayload(vm).files.find((f) => f.name === 'uninstall.sh')!;
    const path = join(sb.dir, 'uninstall.sh');
    writeFileSync(path, file.content, { mode: 0o700 });
    const r = await runBash([path], sb.env);
    const purged = callsOf(sb, 'apt-get').filter((a) => a.includes('purge')).flatMap((a) => a.slice(a.indexOf('purge') + 1));
    expect({ exit: r.code, purged, config: sb.read('/etc/otelcol-contrib/config.yaml') !== undefined }).toEqual({ exit: 0, purged: ['istio-sidecar'], config: true });
  });
});
