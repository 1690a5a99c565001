/**
 * Secret references fetched at boot, one test per reference kind, against the loopback stub:
 * the value lands in a 0600 file with the owner the agent config expects, exactly as stored
 * (JSON escapes decoded, base64 decoded), and never in a log line or in any process's argv (the
 * curl shim records argv before it runs the real curl). file:// secrets are checked in place.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Model, PlatformKind, SecretRef } from '../../src/model/model.js';
import { parseSecretRef } from '../../src/spec/secret-ref.js';
import { renderBootstrap } from '../../src/delivery/bootstrap.js';
import { goldenModel } from '../helpers/golden-cases.js';
import { createSandbox, runBash, writeLibrary, type Sandbox } from './helpers/sandbox.js';
import { firstVm } from './helpers/corpus.js';
import { callsOf } from './helpers/run-payload.js';
import { startSecretStub, STUB, type SecretStub } from './helpers/stub-server.js';

/** A value with every character class the JSON decoder must handle. */
const SECRET = 'tok-1:"quoted" back\\slash a/b\ttab\nsecond line';

let sb: Sandbox | undefined;
let stub: SecretStub | undefined;
afterEach(async () => {
  sb?.cleanup();
  await stub?.close();
  sb = undefined;
  stub = undefined;
});

function ref(uri: string): SecretRef {
  const r = parseSecretRef(uri);
  if ('error' in r) throw new Error(r.error);
  return r.ref;
}

/** A join-token VM moved to a cloud whose secret store holds the token (validation forbids this today; the fetchers are ready). */
async function modelWithToken(kind: PlatformKind, uri: string): Promise<Model> {
  const m = structuredClone(await goldenModel('baremetal-jointoken'));
  const p = m.platforms[0]!;
  p.kind = kind;
  p.attestation = { type: 'join_token', token: ref(uri) };
  return m;
}

async function fetchWith(model: Model, secrets: Record<string, string>): Promise<{ code: number; out: string }> {
  sb = createSandbox('ID=debian\n');
  stub = await startSecretStub(secrets);
  const lib = writeLibrary(sb, renderBootstrap(firstVm(model), 'full').script);
  const r = await runBash(['-c', `source ${lib}\nfetch_secrets`], {
    ...sb.env,
    SHIM_REAL_CURL: '1',
    VMONBOARD_TEST_METADATA_URL: stub.url,
    VMONBOARD_TEST_SECRETS_URL: stub.url,
  });
  return { code: r.code, out: r.stdout + r.stderr };
}

function expectNeverExposed(s: Sandbox, out: string): void {
  const argv = readFileSync(s.env.SHIM_LOG!, 'utf8');
  for (const value of [SECRET, 'tok-1', STUB.secretAccessKey, STUB.sessionToken, STUB.gcpToken, STUB.azureToken]) {
    expect(out, 'output').not.toContain(value);
    expect(argv, 'argv of every shimmed program').not.toContain(value);
  }
}

function expectSecretFile(s: Sandbox): void {
  const path = join(s.root, 'var/lib/vmonboard/secrets/join-token');
  expect(readFileSync(path, 'utf8')).toBe(SECRET);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(callsOf(s, 'chown')).toContainEqual(['root:root', path]);
}

describe('secret fetch at boot', () => {
  it('aws-ssm: SigV4-signed GetParameter with the instance profile from IMDSv2', async () => {
    const r = await fetchWith(await modelWithToken('aws', 'aws-ssm:///vmonboard/join-token?region=eu-west-1'), { '/vmonboard/join-token': SECRET });
    expect(r.code, r.out).toBe(0);
    expectSecretFile(sb!);
    expectNeverExposed(sb!, r.out);
    expect(stub!.seen.filter((q) => q.status !== 200)).toEqual([]);
    expect(stub!.seen.map((q) => `${q.method} ${q.path}`)).toContain('PUT /latest/api/token');
  });

  it('aws-secretsmanager: the region comes from IMDS when the reference names none', async () => {
    const r = await fetchWith(await modelWithToken('aws', 'aws-secretsmanager://vmonboard/join-token'), { 'vmonboard/join-token': SECRET });
    expect(r.code, r.out).toBe(0);
    expectSecretFile(sb!);
    expectNeverExposed(sb!, r.out);
    expect(stub!.seen.map((q) => q.path)).toContain('/latest/meta-data/placement/region');
  });

  it('gcp-secretmanager: versions.access with the metadata server token', async () => {
    const r = await fetchWith(await modelWithToken('gcp', 'gcp-secretmanager://projects/bookinfo-prod/secrets/join-token/versions/latest'), { 'projects/bookinfo-prod/secrets/join-token/versions/latest': SECRET });
    expect(r.code, r.out).toBe(0);
    expectSecretFile(sb!);
    expectNeverExposed(sb!, r.out);
  });

  it('azure-keyvault: Get Secret with the managed-identity token from IMDS', async () => {
    const r = await fetchWith(await modelWithToken('azure', 'azure-keyvault://contoso-vault/secrets/join-token'), { 'contoso-vault/join-token': SECRET });
    expect(r.code, r.out).toBe(0);
    expectSecretFile(sb!);
    expectNeverExposed(sb!, r.out);
  });

  it('a store that refuses the request fails the bootstrap, naming only the reference', async () => {
    const r = await fetchWith(await modelWithToken('aws', 'aws-ssm:///vmonboard/other?region=eu-west-1'), { '/vmonboard/join-token': SECRET });
    expect(r.code).toBe(1);
    expect(r.out).toContain('cannot read the secret aws-ssm:///vmonboard/other?region=eu-west-1');
    expect(sb!.read('/var/lib/vmonboard/secrets/join-token')).toBeUndefined();
  });

  it('file://: the host file is used in place and made root-only', async () => {
    sb = createSandbox('ID=debian\n');
    const lib = writeLibrary(sb, renderBootstrap(firstVm(await goldenModel('baremetal-jointoken')), 'full').script);
    sb.write('/etc/vmonboard/join-token', 'token-from-operator', 0o644);
    const ok = await runBash(['-c', `source ${lib}\nfetch_secrets`], sb.env);
    expect(ok.code, ok.stdout).toBe(0);
    expect(statSync(join(sb.root, 'etc/vmonboard/join-token')).mode & 0o777).toBe(0o600);
    expect(callsOf(sb, 'chown')).toEqual([['-h', 'root:root', '--', join(sb.root, 'etc/vmonboard/join-token')]]);
    expect(ok.stdout + ok.stderr).not.toContain('token-from-operator');
  });

  // Issue 15 §7: a planted /tmp/join-token -> /etc/passwd made root chown and chmod /etc/passwd.
  it.each([
    ['a symlink', (s: Sandbox) => {
      s.write('/etc/passwd', 'root:x:0:0::/root:/bin/bash\n', 0o644);
      mkdirSync(join(s.root, 'etc/vmonboard'), { recursive: true });
      symlinkSync(join(s.root, 'etc/passwd'), join(s.root, 'etc/vmonboard/join-token'));
    }, /secret file \/etc\/vmonboard\/join-token is a symbolic link; vmonboard never follows one there/],
    ['a file with another hard link', (s: Sandbox) => {
      s.write('/etc/passwd', 'root:x:0:0::/root:/bin/bash\n', 0o644);
      mkdirSync(join(s.root, 'etc/vmonboard'), { recursive: true });
      linkSync(join(s.root, 'etc/passwd'), join(s.root, 'etc/vmonboard/join-token'));
    }, /has other hard links/],
    ['a parent directory another user owns', (s: Sandbox) => {
      s.write('/etc/vmonboard/join-token', 'token', 0o644);
      chownSync(join(s.root, 'etc/vmonboard'), 1000, 1000);
    }, /\/etc\/vmonboard is not owned by root, so another user could replace the file/],
    ['a world-writable parent directory (sticky, like /tmp)', (s: Sandbox) => {
      s.write('/etc/vmonboard/join-token', 'token', 0o644);
      chmodSync(join(s.root, 'etc/vmonboard'), 0o1777);
    }, /\/etc\/vmonboard is writable by other users/],
  ])('file://: %s is refused and nothing is chowned or chmodded', async (_name, plant, message) => {
    sb = createSandbox('ID=debian\n');
    const lib = writeLibrary(sb, renderBootstrap(firstVm(await goldenModel('baremetal-jointoken')), 'full').script);
    plant(sb);
    const r = await runBash(['-c', `source ${lib}\nfetch_secrets`], sb.env);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(message);
    expect(callsOf(sb, 'chown')).toEqual([]);
    if (existsSync(join(sb.root, 'etc/passwd'))) expect(statSync(join(sb.root, 'etc/passwd')).mode & 0o777).toBe(0o644);
  });

  it('file://: a missing host file stops the bootstrap with what to do', async () => {
    sb = createSandbox('ID=debian\n');
    const lib = writeLibrary(sb, renderBootstrap(firstVm(await goldenModel('baremetal-jointoken')), 'full').script);
    const r = await runBash(['-c', `source ${lib}\nfetch_secrets`], sb.env);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('secret file /etc/vmonboard/join-token missing or empty: put it on the host first');
  });
});
