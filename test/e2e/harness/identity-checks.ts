/**
 * The identity verdict on a booted machine, with real verifiers: the SPIRE agent authenticated
 * the SPIRE server stand-in against its bootstrap bundle and was issued the sidecar's SVID (and
 * Go's crypto/x509, what the real agent runs, accepts the server's chain against the bundle the VM
 * holds); the SVID sync placed that SVID where pilot-agent reads it; `openssl verify` (the family
 * of Envoy's BoringSSL) and Go's crypto/x509 (istiod's) accept the placed chain against the mesh
 * root as a TLS client certificate; the key
 * is the certificate's; the SPIFFE ID is the one the VM's cluster.env implies
 * (spiffe://<TRUST_DOMAIN>/ns/<POD_NAMESPACE>/sa/<SERVICE_ACCOUNT>); and istiod authenticated the
 * sidecar's mutual-TLS connection as that identity and matched its WorkloadGroup.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Container } from './container.js';
import type { E2eEnv } from './e2e-env.js';
import { goVerify } from './go-x509.js';
import { requireHostTool } from './host-tools.js';
import { checkClusterEnv } from './istio-sidecar-checks.js';
import type { RenderedVm } from './render-fixture.js';
import { run } from './run.js';

/** The PEM certificates in `text`, in order. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}

/** The SPIFFE ID the VM's cluster.env implies: istiod's identity check and auto-registration want exactly this one. */
export function expectedSpiffeId(vm: RenderedVm): string {
  const v = checkClusterEnv(vm.file('istio/cluster.env')).values;
  return `spiffe://${v.TRUST_DOMAIN}/ns/${v.POD_NAMESPACE}/sa/${v.SERVICE_ACCOUNT}`;
}

/** `openssl verify` of `chainPem` (leaf first) against `rootPem` for `purpose`; returns openssl's verdict line(s). */
export async function opensslVerify(chainPem: string, rootPem: string, purpose: 'sslclient' | 'sslserver'): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmonboard-verify-'));
  try {
    const [leaf, ...rest] = splitPem(chainPem);
    writeFileSync(path.join(dir, 'root.pem'), rootPem);
    writeFileSync(path.join(dir, 'leaf.pem'), leaf ?? '');
    writeFileSync(path.join(dir, 'untrusted.pem'), rest.join(''));
    const args = ['verify', '-purpose', purpose, '-CAfile', path.join(dir, 'root.pem'), ...(rest.length ? ['-untrusted', path.join(dir, 'untrusted.pem')] : []), path.join(dir, 'leaf.pem')];
    const r = await run(requireHostTool('openssl'), args);
    return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Checks the identity chain of one booted VM (events since `since`); returns the problems found. */
export async function checkIdentity(c: Container, env: E2eEnv, vm: RenderedVm, since: number): Promise<string[]> {
  const problems: string[] = [];
  const want = expectedSpiffeId(vm);
  const mine = env.control.events.all().filter((e) => e.seq >= since);
  const attest = mine.filter((e) => e.agent === 'spire-agent' && e.event === 'did' && e.detail.action === 'attest').at(-1);
  if (!attest) problems.push('the SPIRE agent never attested to the SPIRE server stand-in over TLS');
  else if (!(attest.detail.svids as string[]).includes(want)) problems.push(`the SPIRE server issued ${JSON.stringify(attest.detail.svids)}, not ${want}`);

  // What the real (Go) agent checks at attestation: the server chain against the bootstrap bundle on the VM.
  const bundlePath = (JSON.parse(vm.file('spire/agent.conf')) as { agent: { trust_bundle_path: string } }).agent.trust_bundle_path;
  const vmBundle = (await c.exec(['cat', bundlePath])).stdout;
  const server = await goVerify(env.identity.pki.serverSvid.chainPem, vmBundle, 'server');
  if (!server.ok) problems.push(`Go crypto/x509 rejects the SPIRE server's chain against the VM's bootstrap bundle: ${server.error}`);

  const chainText = (await c.exec(['cat', '/etc/certs/cert-chain.pem'])).stdout;
  const keyText = (await c.exec(['cat', '/etc/certs/key.pem'])).stdout;
  const bundleText = (await c.exec(['bash', '-c', 'cat "$(dirname "$(readlink -f /etc/certs/cert-chain.pem)")/bundle.0.pem"'])).stdout;
  const chain = splitPem(chainText);
  if (chain.length === 0) problems.push('/etc/certs/cert-chain.pem holds no certificate');
  else {
    const leaf = new X509Certificate(chain[0]!);
    if (leaf.subjectAltName !== `URI:${want}`) problems.push(`the placed SVID is ${leaf.subjectAltName}, want URI:${want}`);
    if (leaf.issuer !== new X509Certificate(env.identity.pki.spireSigningCa.certPem).subject) problems.push(`the placed SVID was not issued by the SPIRE signing CA: ${leaf.issuer}`);
    const v = await opensslVerify(chainText, env.identity.pki.root.certPem, 'sslclient');
    if (!v.ok) problems.push(`openssl verify rejects the placed SVID chain against the mesh root: ${v.output}`);
    const g = await goVerify(chainText, env.identity.pki.root.certPem, 'client');
    if (!g.ok) problems.push(`Go crypto/x509 rejects the placed SVID chain against the mesh root: ${g.error}`);
    try {
      if (!leaf.checkPrivateKey(createPrivateKey(keyText))) problems.push('/etc/certs/key.pem is not the key of /etc/certs/cert-chain.pem');
    } catch (e) {
      problems.push(`/etc/certs/key.pem is not a readable private key: ${(e as Error).message}`);
    }
  }
  if (bundleText !== env.identity.pki.root.certPem) problems.push('bundle.0.pem (what SPIRE serves as ROOTCA) is not the mesh root');

  const xds = mine.filter((e) => e.agent === 'istiod' && e.event === 'did').at(-1);
  if (!xds) problems.push('istiod never authenticated the sidecar over mutual TLS');
  else if (xds.detail.identity !== want) problems.push(`istiod authenticated ${String(xds.detail.identity)}, want ${want}`);
  const ready = mine.filter((e) => e.agent === 'pilot-agent' && e.event === 'ready').at(-1);
  if (ready && ready.detail.xds_identity !== want) problems.push(`pilot-agent became ready with xDS identity ${String(ready.detail.xds_identity)}, want ${want}`);
  return problems;
}
