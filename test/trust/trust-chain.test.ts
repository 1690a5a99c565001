/**
 * Issue 13, the proof: `vmonboard ca init`, `render` of the quickstart on that root, then what
 * SPIRE's server does under the disk UpstreamAuthority (a signing CA beneath spire/tls.crt, the
 * server SVID, each VM's X509-SVID), all judged by Go's crypto/x509 + crypto/tls and by
 * `openssl verify`. Negative cases fail with each verifier's own reason.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { runBinary } from '../cli/binary-io.js';
import { checkSpireUmbrellaValues } from '../validators/helm-values.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { goMutualTls, goVerify, mintCert, opensslVerify, spireMint, type SpireMinted } from './verifiers.js';

const DAY = 86_400_000;
let dir = '';
let ca = '';
let other = '';
let out = '';
let minted: SpireMinted;
/** Per VM bundle directory: its SPIFFE ID (from cluster.env) and its trust files. */
let vms: Array<{ dir: string; id: string; bootstrap: string; istioRoot: string }> = [];

const read = (p: string): string => readFileSync(p, 'utf8');

function envValue(env: string, key: string): string {
  const m = new RegExp(`^${key}='([^']*)'$`, 'm').exec(env);
  if (!m) throw new Error(`cluster.env has no ${key}`);
  return m[1]!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vmonboard-trust-'));
  ca = join(dir, 'ca');
  other = join(dir, 'other-ca');
  // ec-p256 keeps the test fast; the layout and profiles are those of the default (rsa-4096).
  for (const d of [ca, other]) {
    const r = await runBinary(['ca', 'init', d, '--key-type', 'ec-p256']);
    expect(r.code, r.stderr).toBe(0);
  }
  const spec = join(dir, 'spec');
  mkdirSync(join(spec, 'files'), { recursive: true });
  copyFileSync(join(PROJECT_ROOT, 'examples/quickstart.yaml'), join(spec, 'quickstart.yaml'));
  copyFileSync(join(PROJECT_ROOT, 'examples/quickstart.lock.yaml'), join(spec, 'quickstart.lock.yaml'));
  for (const f of readdirSync(join(PROJECT_ROOT, 'examples/files'))) copyFileSync(join(PROJECT_ROOT, 'examples/files', f), join(spec, 'files', f));
  copyFileSync(join(ca, 'root-cert.pem'), join(spec, 'files/mesh-root-ca.pem'));
  out = join(dir, 'out');
  const r = await runBinary(['render', join(spec, 'quickstart.yaml'), '-o', out]);
  expect(r.code, r.stderr).toBe(0);
  // vms/<namespace>/<workload>/<platform>/
  for (const ns of readdirSync(join(out, 'vms'))) {
    for (const w of readdirSync(join(out, 'vms', ns))) for (const p of readdirSync(join(out, 'vms', ns, w))) {
      const d = join(out, 'vms', ns, w, p);
      const env = read(join(d, 'istio/cluster.env'));
      vms.push({ dir: d, id: `spiffe://${envValue(env, 'TRUST_DOMAIN')}/ns/${envValue(env, 'POD_NAMESPACE')}/sa/${envValue(env, 'SERVICE_ACCOUNT')}`, bootstrap: read(join(d, 'spire/bootstrap-bundle.pem')), istioRoot: read(join(d, 'istio/root-cert.pem')) });
    }
  }
  minted = await spireMint(read(join(ca, 'spire/tls.crt')), read(join(ca, 'spire/tls.key')), 'example.org', [...new Set(vms.map((v) => v.id))]);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ca init + render of the quickstart + SPIRE and Istio verifiers agree', () => {
  it('renders every VM of the quickstart, each bootstrapping from the mesh root (no trust.spireBundle)', () => {
    expect(vms.length).toBeGreaterThanOrEqual(6);
    const root = read(join(ca, 'root-cert.pem'));
    for (const v of vms) {
      expect(v.bootstrap, v.dir).toBe(root);
      expect(v.istioRoot, v.dir).toBe(root);
    }
  });

  it('the quickstart\'s spire.values.yaml carries the IRSA annotation and the AKS workload identity settings, at upstream chart key paths', () => {
    const values = jsYaml.load(read(join(out, 'cluster/spire.values.yaml'))) as Record<string, Record<string, Record<string, unknown>>>;
    const server = values['spire-server']!;
    expect(server.serviceAccount).toEqual({ annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/spire-server', 'azure.workload.identity/client-id': '3c1e2f4a-5555-4b6c-9d7e-8f9a0b1c2d3e' } });
    expect(server.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(checkSpireUmbrellaValues(values)).toEqual([]);
    const iam = read(join(out, 'cluster/iam/aws-spire-server-trust.json'));
    expect(JSON.parse(iam)).toMatchObject({ Statement: [{ Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { '<OIDC_PROVIDER>:sub': 'system:serviceaccount:spire-server:spire-server', '<OIDC_PROVIDER>:aud': 'sts.amazonaws.com' } } }] });
  });

  it('ca check accepts what ca init wrote, against the rendered spec', async () => {
    const r = await runBinary(['ca', 'check', join(dir, 'spec/quickstart.yaml'), '--ca-dir', ca]);
    expect(r.code, r.stderr).toBe(0);
    // The spec's own findings (sample pins, the quickstart's tag-only selector) are warnings; the CA material has none.
    expect(r.stderr).toContain('0 errors,');
    expect(r.stderr).not.toMatch(/warning\[CA_/);
  });

  it('1. the SPIRE server SVID (spiffe://example.org/spire/server) verifies against each VM\'s spire/bootstrap-bundle.pem (Go and OpenSSL)', async () => {
    for (const v of vms) {
      const go = await goVerify(minted.server.cert, minted.chain, v.bootstrap);
      expect(go, v.dir).toMatchObject({ ok: true });
      expect(go.chain).toHaveLength(4); // SVID, SPIRE CA, SPIRE intermediate, mesh root
      const ossl = await opensslVerify(minted.server.cert, minted.chain, v.bootstrap);
      expect(ossl.ok, ossl.output).toBe(true);
    }
  });

  it('2. each VM\'s X509-SVID authenticates to a server that requires client certificates, which reads its SPIFFE ID (Go crypto/tls)', async () => {
    const root = read(join(ca, 'root-cert.pem'));
    // The server plays istiod: a serving certificate from istiod's intermediate, clients verified against the mesh root.
    const now = Date.now();
    const istiod = await mintCert({ parentCert: read(join(ca, 'istiod/ca-cert.pem')), parentKey: read(join(ca, 'istiod/ca-key.pem')), ca: false, notBefore: new Date(now - 60_000), notAfter: new Date(now + DAY), dnsNames: ['istiod-1-27.istio-system.svc'] });
    for (const v of vms) {
      const svid = minted.svids.find((s) => s.id === v.id)!;
      const r = await goMutualTls({
        serverCert: istiod.cert + read(join(ca, 'istiod/ca-cert.pem')),
        serverKey: istiod.key,
        serverRoots: root,
        serverName: 'istiod-1-27.istio-system.svc',
        clientCert: svid.cert + minted.chain, // svid.0.pem: the SVID and its chain
        clientKey: svid.key,
        clientRoots: v.istioRoot,
      });
      expect(r, v.dir).toEqual({ ok: true, peerId: v.id });
      const ossl = await opensslVerify(svid.cert, minted.chain, root);
      expect(ossl.ok, ossl.output).toBe(true);
    }
  });

  it('3. a certificate from istiod\'s intermediate verifies against spire/bundle.crt (SPIRE\'s ROOTCA) and each VM\'s istio/root-cert.pem', async () => {
    const now = Date.now();
    const leaf = await mintCert({ parentCert: read(join(ca, 'istiod/ca-cert.pem')), parentKey: read(join(ca, 'istiod/ca-key.pem')), ca: false, notBefore: new Date(now - 60_000), notAfter: new Date(now + DAY), uris: ['spiffe://example.org/ns/bookinfo/sa/productpage'] });
    const bundle = read(join(ca, 'spire/bundle.crt'));
    const inter = read(join(ca, 'istiod/ca-cert.pem'));
    expect(await goVerify(leaf.cert, inter, bundle)).toMatchObject({ ok: true });
    expect((await opensslVerify(leaf.cert, inter, bundle)).ok).toBe(true);
    for (const v of vms) {
      expect(await goVerify(leaf.cert, inter, v.istioRoot), v.dir).toMatchObject({ ok: true });
      const ossl = await opensslVerify(leaf.cert, inter, v.istioRoot);
      expect(ossl.ok, ossl.output).toBe(true);
    }
  });
});

describe('negative cases fail with the verifier\'s own reason', () => {
  it('Istio\'s pathlen:0 intermediate used as the SPIRE upstream CA: too many intermediates', async () => {
    // istiod/ca-cert.pem has Istio's profile (tools/certs common.mk: pathlen:0), exactly what the Makefile's %-cacerts would give SPIRE.
    const bad = await spireMint(read(join(ca, 'istiod/ca-cert.pem')), read(join(ca, 'istiod/ca-key.pem')), 'example.org', [vms[0]!.id]);
    const root = read(join(ca, 'root-cert.pem'));
    expect(await goVerify(bad.svids[0]!.cert, bad.chain, root)).toMatchObject({ ok: false, error: 'x509: too many intermediates for path length constraint' });
    expect(await goVerify(bad.server.cert, bad.chain, vms[0]!.bootstrap)).toMatchObject({ ok: false, error: 'x509: too many intermediates for path length constraint' });
    const ossl = await opensslVerify(bad.svids[0]!.cert, bad.chain, root);
    expect(ossl.ok).toBe(false);
    expect(ossl.output).toMatch(/path length constraint exceeded/);
  });

  it('a bootstrap bundle of another CA: signed by unknown authority', async () => {
    const foreign = read(join(other, 'root-cert.pem'));
    expect(await goVerify(minted.server.cert, minted.chain, foreign)).toMatchObject({ ok: false, error: expect.stringMatching(/^x509: certificate signed by unknown authority/) });
    const ossl = await opensslVerify(minted.server.cert, minted.chain, foreign);
    expect(ossl.ok).toBe(false);
    expect(ossl.output).toMatch(/unable to get (local issuer certificate|issuer certificate)/);
  });

  it('an expired SPIRE intermediate: certificate has expired', async () => {
    const now = Date.now();
    const expired = await mintCert({ parentCert: read(join(ca, 'root-cert.pem')), parentKey: read(join(ca, 'root-key.pem')), ca: true, notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) });
    const bad = await spireMint(expired.cert, expired.key, 'example.org', [vms[0]!.id]);
    const root = read(join(ca, 'root-cert.pem'));
    expect(await goVerify(bad.server.cert, bad.chain, root)).toMatchObject({ ok: false, error: expect.stringMatching(/^x509: certificate has expired or is not yet valid/) });
    const ossl = await opensslVerify(bad.server.cert, bad.chain, root);
    expect(ossl.ok).toBe(false);
    expect(ossl.output).toMatch(/certificate has expired|certificate is not yet valid/);
  });

  it('a VM SVID is refused by a server whose roots are another CA (the handshake fails on the server side)', async () => {
    const now = Date.now();
    const istiod = await mintCert({ parentCert: read(join(ca, 'istiod/ca-cert.pem')), parentKey: read(join(ca, 'istiod/ca-key.pem')), ca: false, notBefore: new Date(now - 60_000), notAfter: new Date(now + DAY), dnsNames: ['istiod.istio-system.svc'] });
    const svid = minted.svids[0]!;
    const r = await goMutualTls({ serverCert: istiod.cert + read(join(ca, 'istiod/ca-cert.pem')), serverKey: istiod.key, serverRoots: read(join(other, 'root-cert.pem')), serverName: 'istiod.istio-system.svc', clientCert: svid.cert + minted.chain, clientKey: svid.key, clientRoots: vms[0]!.istioRoot });
    expect(r.ok).toBe(false);
    expect(r.serverError).toMatch(/certificate signed by unknown authority/);
  });
});

describe('validate and ca check refuse what would break trust', () => {
  it('validate refuses a trust.spireBundle without the mesh root, located at the key', async () => {
    const spec = join(dir, 'spec');
    writeFileSync(join(spec, 'files/foreign-bundle.pem'), read(join(other, 'root-cert.pem')));
    const text = read(join(spec, 'quickstart.yaml')).replace('    file: files/mesh-root-ca.pem\n', '    file: files/mesh-root-ca.pem\n  spireBundle:\n    file: files/foreign-bundle.pem\n');
    writeFileSync(join(spec, 'bad.yaml'), text);
    copyFileSync(join(spec, 'quickstart.lock.yaml'), join(spec, 'bad.lock.yaml'));
    const r = await runBinary(['validate', join(spec, 'bad.yaml')]);
    expect(r.code).toBe(1);
    const line = text.split('\n').findIndex((l) => l.includes('files/foreign-bundle.pem')) + 1;
    expect(r.stderr).toContain(`error[TRUST_BUNDLE_WITHOUT_MESH_ROOT]`);
    expect(r.stderr).toContain(`bad.yaml:${line}:`);
  });

  it('ca check refuses a pathlen:0 SPIRE intermediate with a located CA_PATH_LENGTH', async () => {
    const bad = join(dir, 'bad-ca');
    mkdirSync(join(bad, 'istiod'), { recursive: true });
    mkdirSync(join(bad, 'spire'), { recursive: true });
    for (const f of ['root-cert.pem', 'istiod/ca-cert.pem', 'istiod/ca-key.pem', 'istiod/cert-chain.pem', 'istiod/root-cert.pem', 'spire/bundle.crt']) copyFileSync(join(ca, f), join(bad, f));
    // What Istio's Makefile would have given SPIRE: an intermediate with pathlen:0.
    copyFileSync(join(ca, 'istiod/ca-cert.pem'), join(bad, 'spire/tls.crt'));
    copyFileSync(join(ca, 'istiod/ca-key.pem'), join(bad, 'spire/tls.key'));
    const r = await runBinary(['ca', 'check', join(dir, 'spec/quickstart.yaml'), '--ca-dir', bad, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout.toString()) as { diagnostics: Array<{ code: string; file: string; line: number }> };
    expect(report.diagnostics.filter((d) => d.code.startsWith('CA_')).map((d) => [d.code, d.file.replace(bad, '<ca>'), d.line])).toEqual([['CA_PATH_LENGTH', '<ca>/spire/tls.crt', 1]]);
  });
});
