/**
 * `vmonboard pin` (issue 6 §7) against a loopback HTTPS mirror signed by a CA made in the test:
 * it trusts the spec's mirrorCA, downloads every artifact the targets need, writes a
 * deterministic lock that makes render succeed, and `--verify` catches a tampered artifact.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { GOLDEN_FILES } from '../helpers/golden-cases.js';
import { runInProcess } from './cli-io.js';
import { startFakeMirror, type FakeMirror } from './fake-mirror.js';
import { makeTestCA } from './test-ca.js';

const dir = mkdtempSync(join(tmpdir(), 'vmonboard-pin-'));
let mirror: FakeMirror;

/** A spec whose targets need deb+rpm × amd64+arm64, all from the loopback mirror, one by explicit URL. */
function specText(opts: { mirrorCA: boolean }): string {
  return `apiVersion: vmonboard/v1alpha1
kind: OnboardingSpec
metadata:
  name: pinned
mesh:
  flavor: istio
  istio: { version: 1.27.1 }
  trustDomain: example.org
  clusterName: cluster1
  network: network1
  vmNetwork: vm-network
  podCIDRs: [10.244.0.0/16]
eastWestGateway:
  address: 203.0.113.10
  exposure: { sourceRanges: [10.0.0.0/8] }
trust:
  meshRootCA: { file: mesh-root-ca.pem }
  spireBundle: { file: spire-bundle.pem }
telemetry:
  gateway: { host: otel-gateway.observability.svc.cluster.local }
artifacts:
  mirror: ${mirror.base}/mirror
${opts.mirrorCA ? '  mirrorCA: { file: test-ca.pem }\n' : ''}  components:
    istio-sidecar:
      urls:
        rpm/arm64: ${mirror.base}/redirect/istio-sidecar/1.27.1/istio-sidecar-arm64.rpm
platforms:
  - name: dc1
    kind: onprem
    delivery: shell
    targets: { os: [rhel-9, ubuntu-22.04], arch: [amd64, arm64] }
    x509pop:
      caBundle: { file: onprem-host-ca.pem }
      certificatePath: /etc/pki/vmonboard/host.crt
      privateKey: file:///etc/pki/vmonboard/host.key
workloads:
  - name: billing
    namespace: finance
    ports: [{ name: grpc, number: 8443, protocol: GRPC }]
    platforms:
      - name: dc1
        selectors: { x509pop: { subjectCN: billing.dc1.example.com } }
`;
}

beforeAll(async () => {
  const ca = makeTestCA(dir);
  mirror = await startFakeMirror(ca);
  for (const f of ['mesh-root-ca.pem', 'spire-bundle.pem', 'onprem-host-ca.pem']) copyFileSync(join(GOLDEN_FILES, f), join(dir, f));
  writeFileSync(join(dir, 'test-ca.pem'), ca.caCert);
  writeFileSync(join(dir, 'spec.yaml'), specText({ mirrorCA: true }));
  writeFileSync(join(dir, 'untrusted.yaml'), specText({ mirrorCA: false }));
});
afterAll(async () => {
  await mirror?.close();
  rmSync(dir, { recursive: true, force: true });
});

const spec = (): string => join(dir, 'spec.yaml');
const lock = (): string => join(dir, 'spec.lock.yaml');
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('vmonboard pin', () => {
  it('writes a lock with the sha256 of every artifact, in the lock format, sorted', async () => {
    const r = await runInProcess(['pin', spec()]);
    expect(r.stderr).toContain('pinned 10 artifacts in');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    const text = readFileSync(lock(), 'utf8');
    expect(text.startsWith('# Written by vmonboard pin from spec.yaml')).toBe(true);
    const parsed = jsYaml.load(text) as { artifacts: Array<Record<string, string>> };
    const keys = parsed.artifacts.map((a) => `${a.component} ${a.format}/${a.arch}`);
    expect(keys).toEqual([...keys].sort());
    // istio-sidecar and otelcol-contrib: deb+rpm × amd64+arm64; spire: tar.gz × amd64+arm64.
    expect(keys).toHaveLength(10);
    for (const a of parsed.artifacts) {
      const path = new URL(a.url!).pathname.replace('/redirect/', '/mirror/');
      expect(a.sha256, a.url).toBe(sha(mirror.bytesFor(path)));
    }
    // The explicit URL won over the mirror, and its redirect was followed.
    expect(parsed.artifacts.find((a) => a.format === 'rpm' && a.arch === 'arm64' && a.component === 'istio-sidecar')!.url).toContain('/redirect/');
    expect(text).toMatch(/^ {4}sha256: "[0-9a-f]{64}"$/m); // every string double-quoted, as scripts/write-sample-locks.mjs writes
  });

  it('is deterministic: pinning again gives the same bytes', async () => {
    const before = readFileSync(lock());
    expect((await runInProcess(['pin', spec()])).code).toBe(0);
    expect(readFileSync(lock()).equals(before)).toBe(true);
  });

  it('writes a lock that makes validate and render succeed', async () => {
    expect((await runInProcess(['validate', '--strict', spec()])).code).toBe(0);
    const r = await runInProcess(['render', spec(), '-o', join(dir, 'bundle')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'bundle', 'MANIFEST.json'))).toBe(true);
  });

  it('--verify passes on untouched artifacts and writes nothing', async () => {
    const before = readFileSync(lock());
    const r = await runInProcess(['pin', '--verify', spec()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('verified 10 artifacts');
    expect(readFileSync(lock()).equals(before)).toBe(true);
  });

  it('--verify fails on a tampered artifact, naming it, and leaves the lock alone', async () => {
    const before = readFileSync(lock());
    const path = '/mirror/spire/1.15.3/spire-1.15.3-linux-arm64-musl.tar.gz';
    mirror.tamper(path, Buffer.concat([mirror.bytesFor(path), Buffer.from('backdoor')]));
    try {
      const r = await runInProcess(['pin', '--verify', spec()]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error\[ARTIFACT_CHECKSUM_MISMATCH\]: spire 1\.15\.3 tar\.gz\/arm64 from https:\/\/127\.0\.0\.1:\d+\/mirror\/spire\/1\.15\.3\/spire-1\.15\.3-linux-arm64-musl\.tar\.gz has sha256 [0-9a-f]{64}, but the lock file pins [0-9a-f]{64}/);
      expect(r.stderr.match(/ARTIFACT_CHECKSUM_MISMATCH/g)).toHaveLength(1);
      expect(readFileSync(lock()).equals(before)).toBe(true);
    } finally {
      mirror.restore(path);
    }
  });

  it('does not trust the mirror without its CA, and writes no lock', async () => {
    const r = await runInProcess(['pin', join(dir, 'untrusted.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[ARTIFACT_DOWNLOAD_FAILED\]: cannot pin .* GET https:\/\/127\.0\.0\.1:\d+\/\S+ failed: unable to verify the first certificate; if the server uses a private CA, set artifacts\.mirrorCA to its certificate/);
    expect(existsSync(join(dir, 'untrusted.lock.yaml'))).toBe(false);
  });

  it('reports an HTTP error with the URL', async () => {
    mirror.fail('/mirror/istio-sidecar/1.27.1/istio-sidecar.deb', 404);
    const r = await runInProcess(['pin', spec(), '--lock', join(dir, 'other.lock.yaml')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/cannot pin istio-sidecar 1\.27\.1 deb\/amd64: GET https:\/\/127\.0\.0\.1:\d+\/mirror\/istio-sidecar\/1\.27\.1\/istio-sidecar\.deb answered HTTP 404/);
    expect(existsSync(join(dir, 'other.lock.yaml'))).toBe(false);
    mirror.restore('/mirror/istio-sidecar/1.27.1/istio-sidecar.deb');
  });

  it('draws a progress bar on a terminal and plain lines otherwise', async () => {
    let tty = '';
    const io: CliIO = { stdout: { write: () => true }, stderr: { write: (c) => (tty += String(c)) }, readStdin: async () => '', isTTY: true };
    expect(await runCli(['node', 'vmonboard', 'pin', spec(), '--lock', join(dir, 'tty.lock.yaml')], io)).toBe(0);
    // A partly filled bar (chunk sizes vary, so not an exact percentage), then a full one.
    expect(tty).toMatch(/\r\x1b\[2K\[#{1,23}-{1,23}\] +\d{1,2}% istio-sidecar 1\.27\.1 deb\/amd64 \(0\.\d MiB of 0\.3 MiB\)/);
    expect(tty).toContain('\r\x1b[2K[########################] 100% istio-sidecar 1.27.1 deb/amd64 (0.3 MiB of 0.3 MiB)');
    expect(tty).toMatch(/\r\x1b\[2Kistio-sidecar 1\.27\.1 deb\/amd64: sha256 [0-9a-f]{64}\n/);
    const plain = await runInProcess(['pin', spec(), '--lock', join(dir, 'plain.lock.yaml')]);
    expect(plain.stderr).not.toContain('\r');
    expect(plain.stderr).toMatch(/^downloading istio-sidecar 1\.27\.1 deb\/amd64 from https:\/\/127\.0\.0\.1:\d+\/mirror\/istio-sidecar\/1\.27\.1\/istio-sidecar\.deb\n {2}istio-sidecar 1\.27\.1 deb\/amd64: sha256 [0-9a-f]{64} \(262144 bytes\)\n/);
  });
});
