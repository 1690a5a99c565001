/**
 * `pin` without downloading hundreds of megabytes (issue 17 §8): it reads the checksums upstream
 * publishes beside each artifact (SPIRE's _sha256sum.txt, the collector's and Istio's .sha256),
 * `--verify` and `--full-download` download the artifacts themselves, and `--from-dir` hashes
 * copies already on disk. The loopback mirror serves published checksums that differ from the
 * artifacts' real hashes, so the lock shows which source each pin came from.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOLDEN_FILES } from '../helpers/golden-cases.js';
import { runInProcess } from './cli-io.js';
import { startFakeMirror, type FakeMirror } from './fake-mirror.js';
import { makeTestCA } from './test-ca.js';

const dir = mkdtempSync(join(tmpdir(), 'vmonboard-pin-sources-'));
let mirror: FakeMirror;
afterAll(async () => {
  await mirror?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
/** The artifacts an ubuntu-22.04/amd64 onprem platform needs, as mirror paths. */
const ARTIFACTS = ['/mirror/istio-sidecar/1.27.1/istio-sidecar.deb', '/mirror/otelcol-contrib/0.159.0/otelcol-contrib_0.159.0_linux_amd64.deb', '/mirror/spire/1.15.3/spire-1.15.3-linux-amd64-musl.tar.gz'];
/** What each artifact's published checksum file is called, beside it. */
const CHECKSUM_FILES: Record<string, string> = {
  [ARTIFACTS[0]!]: `${ARTIFACTS[0]}.sha256`,
  [ARTIFACTS[1]!]: `${ARTIFACTS[1]}.sha256`,
  [ARTIFACTS[2]!]: '/mirror/spire/1.15.3/spire-1.15.3-linux-amd64-musl_sha256sum.txt',
};
/** A published hash that is not the served bytes' hash: a lock holding it was read, not computed. */
const published = (path: string): string => sha(`published ${path}`);
const base = (p: string): string => p.split('/').pop()!;

beforeAll(async () => {
  const ca = makeTestCA(dir);
  mirror = await startFakeMirror(ca);
  for (const f of ['mesh-root-ca.pem', 'spire-bundle.pem', 'onprem-host-ca.pem']) copyFileSync(join(GOLDEN_FILES, f), join(dir, f));
  writeFileSync(join(dir, 'test-ca.pem'), ca.caCert);
  // Istio's release builder writes "<hash> <file>" with one space (istio/release-builder 1.27.1
  // pkg/util/files.go CreateSha), SPIRE sha256sum's two, and the collector here a bare hash.
  mirror.tamper(CHECKSUM_FILES[ARTIFACTS[0]!]!, Buffer.from(`${published(ARTIFACTS[0]!)} ${base(ARTIFACTS[0]!)}\n`));
  mirror.tamper(CHECKSUM_FILES[ARTIFACTS[1]!]!, Buffer.from(`${published(ARTIFACTS[1]!)}\n`));
  mirror.tamper(CHECKSUM_FILES[ARTIFACTS[2]!]!, Buffer.from(`${'0'.repeat(64)}  spire-1.15.3-linux-arm64-musl.tar.gz\n${published(ARTIFACTS[2]!)}  ${base(ARTIFACTS[2]!)}\n`));
  writeFileSync(
    join(dir, 'spec.yaml'),
    `apiVersion: vmonboard/v1alpha1
kind: OnboardingSpec
metadata: { name: sources }
mesh: { flavor: istio, istio: { version: 1.27.1 }, trustDomain: example.org, clusterName: cluster1, network: network1, vmNetwork: vm-network }
eastWestGateway: { address: 203.0.113.10 }
trust: { meshRootCA: { file: mesh-root-ca.pem }, spireBundle: { file: spire-bundle.pem } }
telemetry: { gateway: { host: otel-gateway.observability.svc.cluster.local } }
artifacts: { mirror: "${mirror.base}/mirror", mirrorCA: { file: test-ca.pem } }
platforms:
  - name: dc1
    kind: onprem
    delivery: shell
    targets: { os: [ubuntu-22.04], arch: [amd64] }
    x509pop: { caBundle: { file: onprem-host-ca.pem }, certificatePath: /etc/pki/vmonboard/host.crt, privateKey: "file:///etc/pki/vmonboard/host.key" }
workloads:
  - name: billing
    namespace: finance
    ports: [{ name: grpc, number: 8443, protocol: GRPC }]
    platforms: [{ name: dc1, selectors: { x509pop: { subjectCN: billing.dc1.example.com } } }]
`,
  );
});

/** The lock's sha256 by mirror path. */
function lockShas(file: string): Record<string, string> {
  const lock = jsYaml.load(readFileSync(file, 'utf8')) as { artifacts: Array<{ url: string; sha256: string }> };
  return Object.fromEntries(lock.artifacts.map((a) => [new URL(a.url).pathname, a.sha256]));
}

describe('pin with published checksums', () => {
  it('reads the published checksums and downloads no artifact', async () => {
    const before = mirror.requests.length;
    const r = await runInProcess(['pin', join(dir, 'spec.yaml'), '--lock', join(dir, 'published.lock.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(lockShas(join(dir, 'published.lock.yaml'))).toEqual(Object.fromEntries(ARTIFACTS.map((p) => [p, published(p)])));
    const asked = mirror.requests.slice(before);
    expect(asked.sort()).toEqual(Object.values(CHECKSUM_FILES).sort());
    expect(r.stderr).toContain(`(published in ${mirror.base}/mirror/spire/1.15.3/spire-1.15.3-linux-amd64-musl_sha256sum.txt)`);
  });

  it('--full-download hashes the artifacts themselves', async () => {
    const r = await runInProcess(['pin', join(dir, 'spec.yaml'), '--full-download', '--lock', join(dir, 'full.lock.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(lockShas(join(dir, 'full.lock.yaml'))).toEqual(Object.fromEntries(ARTIFACTS.map((p) => [p, sha(mirror.bytesFor(p))])));
  });

  it('--verify downloads and so catches a published checksum that does not match the bytes', async () => {
    const before = mirror.requests.length;
    const r = await runInProcess(['pin', '--verify', join(dir, 'spec.yaml'), '--lock', join(dir, 'published.lock.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr.match(/error\[ARTIFACT_CHECKSUM_MISMATCH\]/g)).toHaveLength(3);
    expect(mirror.requests.slice(before).sort()).toEqual([...ARTIFACTS].sort());
  });

  it('falls back to the full download when no checksum is published', async () => {
    const path = CHECKSUM_FILES[ARTIFACTS[1]!]!;
    mirror.fail(path, 404);
    try {
      const r = await runInProcess(['pin', join(dir, 'spec.yaml'), '--lock', join(dir, 'fallback.lock.yaml')]);
      expect(r.code, r.stderr).toBe(0);
      expect(lockShas(join(dir, 'fallback.lock.yaml'))[ARTIFACTS[1]!]).toBe(sha(mirror.bytesFor(ARTIFACTS[1]!)));
      expect(lockShas(join(dir, 'fallback.lock.yaml'))[ARTIFACTS[0]!]).toBe(published(ARTIFACTS[0]!));
    } finally {
      mirror.restore(path);
      mirror.tamper(path, Buffer.from(`${published(ARTIFACTS[1]!)}\n`));
    }
  });
});

describe('pin --from-dir', () => {
  it('hashes local copies (mirror layout or bare file names) and downloads nothing', async () => {
    const local = join(dir, 'copies');
    mkdirSync(join(local, 'spire/1.15.3'), { recursive: true });
    const bytes = (p: string): Buffer => Buffer.from(`local copy of ${p}`);
    writeFileSync(join(local, 'spire/1.15.3', base(ARTIFACTS[2]!)), bytes(ARTIFACTS[2]!));
    writeFileSync(join(local, base(ARTIFACTS[0]!)), bytes(ARTIFACTS[0]!));
    const before = mirror.requests.length;
    const missing = await runInProcess(['pin', join(dir, 'spec.yaml'), '--from-dir', local, '--lock', join(dir, 'local.lock.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error\[ARTIFACT_FILE_MISSING\]: cannot pin otelcol-contrib 0\.159\.0 deb\/amd64 from .*copies: neither .*otelcol-contrib\/0\.159\.0\/otelcol-contrib_0\.159\.0_linux_amd64\.deb nor .*copies\/otelcol-contrib_0\.159\.0_linux_amd64\.deb exists/);
    writeFileSync(join(local, base(ARTIFACTS[1]!)), bytes(ARTIFACTS[1]!));
    const r = await runInProcess(['pin', join(dir, 'spec.yaml'), '--from-dir', local, '--lock', join(dir, 'local.lock.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(lockShas(join(dir, 'local.lock.yaml'))).toEqual(Object.fromEntries(ARTIFACTS.map((p) => [p, sha(bytes(p))])));
    expect(mirror.requests.length).toBe(before);
  });
});
