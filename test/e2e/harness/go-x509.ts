/**
 * Go's own chain verification for the e2e: the SPIRE agent and server, istiod and pilot-agent are
 * Go programs, so a placed SVID, a server chain or an x509pop host chain is also judged by
 * crypto/x509 `Verify` with the peer's extended key usage, next to the OpenSSL verdicts of the
 * stand-ins' real handshakes and `openssl verify`. It is the unit tests' Go harness
 * (test/harness/go/trust.go `x509-verify`), the one Go verifier of the project, built once per
 * source hash into node_modules/.cache.
 */
import { listPemCertificateBlocks } from '../../../src/ca/pem-certificates.js';
import { harnessJson } from '../../harness/go-harness.js';

/** crypto/x509's verdict on one chain. */
export interface GoVerdict {
  ok: boolean;
  error?: string;
  /** The leaf's URI SANs. */
  uris: string[];
  /** SHA-1 fingerprints of the certificates above the leaf in the verified chains (x509pop ca:fingerprint). */
  caSha1?: string[];
}

/**
 * Verifies `chain` (PEM, leaf first) against `roots` (PEM) as a TLS `usage` peer, or for `any`
 * usage (the path alone, as SPIRE's x509pop attestor verifies a host certificate).
 */
export async function goVerify(chain: string, roots: string, usage: 'client' | 'server' | 'any'): Promise<GoVerdict> {
  const [leaf, ...intermediates] = listPemCertificateBlocks(chain).map((b) => `${b.pem}\n`);
  if (!leaf) return { ok: false, error: 'no certificate in the chain', uris: [] };
  const r = await harnessJson<GoVerdict & { chain?: string[] }>('x509-verify', { leaf, intermediates: intermediates.join(''), roots, usage });
  return { ok: r.ok, ...(r.error !== undefined ? { error: r.error } : {}), uris: r.uris, ...(r.caSha1 ? { caSha1: r.caSha1 } : {}) };
}
