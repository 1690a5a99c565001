/**
 * Proxies and remote failures (issue 17 §6, §7): `pin` and `aws launch-template` honour
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY. A loopback proxy records each CONNECT and tunnels it to a
 * loopback HTTPS mirror or EC2 fake; refused by the proxy, both commands exit 5 (a remote
 * failure), not 1 (an invalid spec). Runs the built CLI (dist/) in a child process, so each run
 * gets exactly the environment a user's shell would give it.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOLDEN_FILES, PROJECT_ROOT } from '../helpers/golden-cases.js';
import { startFakeEc2, type FakeEc2 } from './fake-ec2.js';
import { startFakeMirror, type FakeMirror } from './fake-mirror.js';
import { startLoopbackProxy, type LoopbackProxy } from './loopback-proxy.js';
import { makeTestCA } from './test-ca.js';

const CLI = join(PROJECT_ROOT, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'vmonboard-proxy-'));
let mirror: FakeMirror;
let proxy: LoopbackProxy;
let ec2: FakeEc2;

/** Only what the run needs: no proxy, AWS or colour settings leak in from the test runner. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/proxy|^AWS_|COLOR/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Runs the built CLI asynchronously: the loopback servers live in this process and must keep serving. */
async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env), cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const SPEC = (base: string): string => `apiVersion: vmonboard/v1alpha1
kind: OnboardingSpec
metadata: { name: proxied }
mesh:
  flavor: istio
  istio: { version: 1.27.1 }
  trustDomain: example.org
  clusterName: cluster1
  network: network1
  vmNetwork: vm-network
eastWestGateway: { address: 203.0.113.10 }
trust:
  meshRootCA: { file: mesh-root-ca.pem }
  spireBundle: { file: spire-bundle.pem }
telemetry:
  gateway: { host: otel-gateway.observability.svc.cluster.local }
artifacts:
  mirror: ${base}/mirror
  mirrorCA: { file: test-ca.pem }
platforms:
  - name: dc1
    kind: onprem
    delivery: shell
    targets: { os: [ubuntu-22.04], arch: [amd64] }
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

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (CLI tests run the built CLI)');
  const ca = makeTestCA(dir);
  mirror = await startFakeMirror(ca);
  proxy = await startLoopbackProxy();
  ec2 = await startFakeEc2([{ id: 'lt-0123456789abcdef0', name: 'ratings', latest: 3, default: 3 }]);
  for (const f of ['mesh-root-ca.pem', 'spire-bundle.pem', 'onprem-host-ca.pem']) copyFileSync(join(GOLDEN_FILES, f), join(dir, f));
  writeFileSync(join(dir, 'test-ca.pem'), ca.caCert);
  writeFileSync(join(dir, 'spec.yaml'), SPEC(mirror.base));
});
afterAll(async () => {
  await Promise.all([mirror?.close(), proxy?.close(), ec2?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const mirrorHost = (): string => new URL(mirror.base).host;

describe('vmonboard pin behind a proxy', () => {
  it('tunnels every download through HTTPS_PROXY (the proxy records the CONNECT) and pins', async () => {
    const before = proxy.connects.length;
    const r = await run(['pin', 'spec.yaml', '--lock', 'via-proxy.lock.yaml'], { HTTPS_PROXY: proxy.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('pinned 3 artifacts');
    expect(proxy.connects.slice(before)).toContain(mirrorHost());
    expect(proxy.plain).toEqual([]);
  });

  it('honours the lowercase https_proxy too', async () => {
    const before = proxy.connects.length;
    const r = await run(['pin', 'spec.yaml', '--lock', 'lower.lock.yaml'], { https_proxy: proxy.url });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.connects.length).toBeGreaterThan(before);
  });

  it('goes direct for a host NO_PROXY lists', async () => {
    const before = proxy.connects.length;
    const r = await run(['pin', 'spec.yaml', '--lock', 'direct.lock.yaml'], { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.connects.length).toBe(before);
  });

  it('exits 5 (a remote failure) when the proxy refuses the tunnel, naming the proxy, and writes no lock', async () => {
    proxy.refuse(true);
    try {
      const r = await run(['pin', 'spec.yaml', '--lock', 'refused.lock.yaml'], { HTTPS_PROXY: proxy.url });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toMatch(/error\[ARTIFACT_DOWNLOAD_FAILED\]: cannot pin .*403.*proxy/);
      expect(existsSync(join(dir, 'refused.lock.yaml'))).toBe(false);
      expect(proxy.connects.at(-1)).toBe(mirrorHost());
    } finally {
      proxy.refuse(false);
    }
  });

  it('still exits 1 for an invalid spec, whatever the network', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: vmonboard/v1alpha1\nkind: Nope\n');
    const r = await run(['pin', 'bad.yaml'], { HTTPS_PROXY: proxy.url });
    expect(r.code).toBe(1);
  });
});

describe('vmonboard aws launch-template behind a proxy', () => {
  const quickstart = join(PROJECT_ROOT, 'examples/quickstart.yaml');
  const awsEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    AWS_ENDPOINT_URL_EC2: ec2.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDPROXYLOOPBACK',
    AWS_SECRET_ACCESS_KEY: 'proxy-loopback-not-a-secret',
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    // Node 20 only: the SDK's notice that its 2027 releases need Node >= 22 is not what these tests check.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  });
  const args = ['aws', 'launch-template', quickstart, '--workload', 'ratings', '--platform', 'aws-prod', '--template', 'ratings'];

  it('sends the EC2 calls through the proxy (CONNECT recorded) and takes the region from the platform', async () => {
    const before = proxy.connects.length;
    const calls = ec2.calls.length;
    const r = await run(args, awsEnv({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }));
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.connects.slice(before)).toContain(new URL(ec2.endpoint).host);
    expect(ec2.calls.slice(calls).map((c) => c.action)).toEqual(['DescribeLaunchTemplates', 'CreateLaunchTemplateVersion']);
    // No --region and no AWS_REGION: quickstart's aws-prod lists exactly one region.
    expect(r.stderr).toContain('region us-east-1 (the only region platform aws-prod lists)');
  });

  it('exits 5 when the proxy refuses, with a message that names the proxy', async () => {
    proxy.refuse(true);
    try {
      const r = await run(args, awsEnv({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }));
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toMatch(/error: could not reach the EC2 endpoint in region us-east-1: the proxy http:\/\/127\.0\.0\.1:\d+ answered HTTP 403 instead of opening a tunnel/);
    } finally {
      proxy.refuse(false);
    }
  });

  it('names a missing AWS_PROFILE (exit 5)', async () => {
    const env = awsEnv({ AWS_PROFILE: 'no-such-profile' });
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const r = await run(args, env);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/error: no usable AWS credentials for profile "no-such-profile" \(AWS_PROFILE\)/);
  });

  it('exits 5 when EC2 cannot be reached at all', async () => {
    const r = await run(args, awsEnv({ AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9' }));
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/could not reach the EC2 endpoint/);
  });
});
