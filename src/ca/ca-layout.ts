/**
 * The files of a CA directory, named as the cluster README's `kubectl create secret` commands
 * read them: Istio's plugged-in CA secret `cacerts` (ca-cert.pem, ca-key.pem, root-cert.pem,
 * cert-chain.pem; istio.io "Plug in CA Certificates", the files of tools/certs
 * Makefile.selfsigned.mk `%-cacerts`) and the spire chart's `spiffe-upstream-ca` secret
 * (tls.crt, tls.key, bundle.crt; spire-server chart 0.30.0 upstreamAuthority.disk).
 */

/** Paths of one CA directory, relative to it. */
export const CA_FILES = {
  rootCert: 'root-cert.pem',
  rootKey: 'root-key.pem',
  istiodCert: 'istiod/ca-cert.pem',
  istiodKey: 'istiod/ca-key.pem',
  /** The istiod intermediate, then the root (Makefile.selfsigned.mk: `cat ca-cert.pem root-cert.pem`). */
  istiodChain: 'istiod/cert-chain.pem',
  istiodRoot: 'istiod/root-cert.pem',
  /** The SPIRE intermediate (disk UpstreamAuthority cert_file_path: the signing CA first). */
  spireCert: 'spire/tls.crt',
  spireKey: 'spire/tls.key',
  /** The mesh root (disk UpstreamAuthority bundle_file_path: what SPIRE serves as its bundle). */
  spireBundle: 'spire/bundle.crt',
} as const;

/** Which files hold private keys (written 0600, never read into a bundle). */
export const CA_KEY_FILES: readonly string[] = [CA_FILES.rootKey, CA_FILES.istiodKey, CA_FILES.spireKey];
