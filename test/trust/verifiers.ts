/**
 * The real verifiers of the trust test: Go's crypto/x509 and crypto/tls through the Go harness
 * (what SPIRE agents, the SPIRE server, istiod and pilot-agent run) and `openssl verify` (the
 * OpenSSL family of Envoy's BoringSSL). Each returns the verifier's own verdict and reason.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harnessJson } from '../harness/go-harness.js';
import { requireExecutable } from '../validators/require-tool.js';

/** A certificate (PEM, leaf first when a chain) and its PKCS#8 key. */
export interface Minted {
  id?: string;
  cert: string;
  key: string;
}

/** What SPIRE's server mints under the disk upstream authority (see go/trust.go spire-mint). */
export interface SpireMinted {
  ca: string;
  /** What follows an SVID in svid.0.pem: SPIRE's CA, then the certificates of tls.crt. */
  chain: string;
  server: Minted;
  svids: Minted[];
}

/** Mints SPIRE's signing CA beneath tls.crt/tls.key, the server SVID and the given X509-SVIDs. */
export function spireMint(upstreamCert: string, upstreamKey: string, trustDomain: string, svids: string[]): Promise<SpireMinted> {
  return harnessJson<SpireMinted>('spire-mint', { upstreamCert, upstreamKey, trustDomain, svids });
}

/** Mints one certificate under a CA (pathLen -1 = no limit). */
export function mintCert(opts: { parentCert: string; parentKey: string; ca: boolean; pathLen?: number; notBefore: Date; notAfter: Date; dnsNames?: string[]; uris?: string[] }): Promise<Minted> {
  return harnessJson<Minted>('mint', { ...opts, pathLen: opts.pathLen ?? -1, notBefore: opts.notBefore.toISOString().replace(/\.\d+Z$/, 'Z'), notAfter: opts.notAfter.toISOString().replace(/\.\d+Z$/, 'Z'), dnsNames: opts.dnsNames ?? [], uris: opts.uris ?? [] });
}

/** Go crypto/x509 Verify (any extended key usage): ok, or Go's error text. */
export function goVerify(leaf: string, intermediates: string, roots: string): Promise<{ ok: boolean; error?: string; chain?: string[]; uris: string[] }> {
  return harnessJson('x509-verify', { leaf, intermediates, roots });
}

/** A mutual-TLS handshake on loopback; the server requires a client certificate and reads its SPIFFE ID. */
export function goMutualTls(opts: { serverCert: string; serverKey: string; serverRoots: string; serverName: string; clientCert: string; clientKey: string; clientRoots: string }): Promise<{ ok: boolean; peerId?: string; serverError?: string; clientError?: string }> {
  return harnessJson('mtls', opts);
}

/** `openssl verify -CAfile roots -untrusted intermediates leaf`: ok, or OpenSSL's output. */
export function opensslVerify(leaf: string, intermediates: string, roots: string): Promise<{ ok: boolean; output: string }> {
  const openssl = requireExecutable('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'vmonboard-openssl-'));
  writeFileSync(join(dir, 'leaf.pem'), leaf);
  writeFileSync(join(dir, 'roots.pem'), roots);
  const args = ['verify', '-CAfile', join(dir, 'roots.pem')];
  if (intermediates.trim() !== '') {
    writeFileSync(join(dir, 'untrusted.pem'), intermediates);
    args.push('-untrusted', join(dir, 'untrusted.pem'));
  }
  args.push(join(dir, 'leaf.pem'));
  return new Promise((resolve) => {
    execFile(openssl, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ ok: !err && /: OK\s*$/.test(stdout), output: `${stdout}${stderr}` });
    });
  });
}
