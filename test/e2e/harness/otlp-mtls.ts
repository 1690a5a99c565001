/**
 * The OTel gateway's OTLP port as the VM sees it when the receiver sets client_ca_file: a TLS
 * listener on loopback that requires a client certificate and verifies it against a trust bundle
 * with `openssl verify -purpose sslclient` and with Go's crypto/x509 for a client (the gateway
 * is a Go program); both must accept.
 * A connection whose certificate is missing or does not verify is closed without an answer,
 * as a Go server with RequireAndVerifyClientCert aborts the handshake; an accepted one gets
 * "ok <SPIFFE ID>\n". Kept apart from gateway-stub.ts (whose roles stay plain TCP): a scenario
 * points the spec's otlp port here.
 *
 * The trust bundle is read per connection (`clientCa`), because the SPIRE stand-in's bundle is
 * the VM's own and changes when the SVID is fetched again.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { goVerify } from './go-x509.js';
import { requireHostTool } from './host-tools.js';
import { run } from './run.js';

/** What the listener decided about one connection. */
export interface OtlpConnection {
  accepted: boolean;
  /** URI SAN of the presented certificate, when there was one. */
  spiffeId?: string;
  reason: string;
}

/** A running listener. */
export interface OtlpMtlsListener {
  readonly port: number;
  readonly connections: OtlpConnection[];
  close(): Promise<void>;
}

/** Starts the listener with the server certificate `cert`/`key`; `clientCa` returns the PEM bundle client certificates must chain to. */
export async function startOtlpMtls(opts: { cert: string; key: string; clientCa: () => Promise<string> }): Promise<OtlpMtlsListener> {
  const openssl = requireHostTool('openssl');
  const dir = mkdtempSync(path.join(tmpdir(), 'vmonboard-otlp-mtls-'));
  const connections: OtlpConnection[] = [];
  let n = 0;
  const judge = async (socket: TLSSocket): Promise<OtlpConnection> => {
    // One call for the whole chain, and no getPeerX509Certificate() before it: on Node 20 that call
    // leaves getPeerCertificate(true) with the leaf alone (its issuer chain is gone), so the
    // intermediates the client sent would be lost.
    const detailed = socket.getPeerCertificate(true);
    if (!detailed?.raw) return { accepted: false, reason: 'no client certificate' };
    const peer = new X509Certificate(detailed.raw);
    // The intermediates the client sent (a real SVID chains leaf -> SPIRE CA -> SPIRE intermediate ->
    // mesh root): untrusted helpers for the path, as a TLS server uses them; only -CAfile is trusted.
    const intermediates: string[] = [];
    const seen = new Set<string>([detailed.fingerprint256]);
    for (let c = detailed.issuerCertificate; c?.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
      seen.add(c.fingerprint256);
      intermediates.push(new X509Certificate(c.raw).toString());
    }
    const spiffeId = /URI:(spiffe:\/\/[^,\s]+)/.exec(peer.subjectAltName ?? '')?.[1];
    const id = ++n;
    const leaf = path.join(dir, `peer-${id}.pem`);
    const ca = path.join(dir, `ca-${id}.pem`);
    writeFileSync(leaf, peer.toString());
    writeFileSync(ca, await opts.clientCa());
    const untrusted = path.join(dir, `untrusted-${id}.pem`);
    writeFileSync(untrusted, intermediates.join(''));
    const r = await run(openssl, ['verify', '-purpose', 'sslclient', '-CAfile', ca, ...(intermediates.length > 0 ? ['-untrusted', untrusted] : []), leaf]);
    if (r.code !== 0) return { accepted: false, ...(spiffeId ? { spiffeId } : {}), reason: `openssl verify (leaf + ${intermediates.length} intermediates sent): ${(r.stdout + r.stderr).trim()}` };
    // The in-cluster OTel gateway is a Go server (configtls client_ca_file → RequireAndVerifyClientCert):
    // crypto/x509 with the client-auth usage must accept the same chain.
    const go = await goVerify(peer.toString() + intermediates.join(''), readFileSync(ca, 'utf8'), 'client');
    if (!go.ok) return { accepted: false, ...(spiffeId ? { spiffeId } : {}), reason: `go crypto/x509: ${go.error ?? 'refused'}` };
    if (!spiffeId) return { accepted: false, reason: 'client certificate has no spiffe:// URI SAN' };
    return { accepted: true, spiffeId, reason: 'verified' };
  };
  const server: Server = createServer({ cert: opts.cert, key: opts.key, requestCert: true, rejectUnauthorized: false }, (socket) => {
    socket.on('error', () => undefined);
    judge(socket)
      .then((c) => {
        connections.push(c);
        if (c.accepted) socket.end(`ok ${c.spiffeId}\n`);
        else socket.destroy();
      })
      .catch((err: unknown) => {
        connections.push({ accepted: false, reason: `listener error: ${String(err)}` });
        socket.destroy();
      });
  });
  server.on('tlsClientError', (err) => connections.push({ accepted: false, reason: `handshake: ${err.message}` }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}
