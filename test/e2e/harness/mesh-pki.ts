/**
 * The mesh's PKI for one e2e run, made with openssl (openssl-pki.ts): a mesh root; beneath it the SPIRE intermediate (the spire chart's
 * `spiffe-upstream-ca`, no path-length limit) and istiod's plugged-in CA; beneath the SPIRE
 * intermediate the signing CA SPIRE mints itself under the disk UpstreamAuthority; from that the
 * SPIRE server's SVID and, on request, workload X509-SVIDs. Kept self-contained here (no src/ca)
 * so the e2e judges the payload against an independent PKI.
 *
 * Templates follow spiffe/spire v1.15.3 pkg/server/credtemplate/builder.go: buildX509CATemplate
 * (IsCA, no MaxPathLen, KeyUsage CertSign|CRLSign, URI = the trust domain, subject C=US,O=SPIFFE
 * plus serialNumber) and buildX509SVIDTemplate (KeyUsage DigitalSignature|KeyEncipherment|
 * KeyAgreement, ExtKeyUsage serverAuth+clientAuth, one URI SAN, subject C=US,O=SPIRE). Go marks
 * basicConstraints and keyUsage critical, so do we.
 */
import { openOpensslPki, randomSerial, type KeyPair } from './openssl-pki.js';

/** The run's mesh PKI. */
export interface MeshPki {
  trustDomain: string;
  /** The mesh root: trust.meshRootCA of the rendered spec and SPIRE's trust bundle. */
  root: KeyPair;
  /** spire/tls.crt: the SPIRE upstream CA (intermediate of the root, no path-length limit). */
  spireIntermediate: KeyPair;
  /** SPIRE's own signing CA (builder.go buildX509CATemplate), beneath the SPIRE intermediate. */
  spireSigningCa: KeyPair;
  /** The SPIRE server's SVID, spiffe://<td>/spire/server, followed by its intermediates. */
  serverSvid: KeyPair & { chainPem: string };
  /** istiod's plugged-in CA (cacerts ca-cert.pem), an intermediate of the root. */
  istiodCa: KeyPair;
  /** A CA that has nothing to do with the mesh (the wrong bootstrap bundle of the negative boot). */
  unrelatedRoot: KeyPair;
  /** Signs a PEM CSR as a workload X509-SVID for `spiffeId`; returns the leaf and its intermediates. */
  signWorkloadSvid(csrPem: string, spiffeId: string): Promise<{ chain: string[]; bundle: string }>;
  /** Issues istiod's serving certificate for `dnsNames` (signed by istiodCa), chain included. */
  issueIstiodServing(dnsNames: string[]): Promise<KeyPair & { chainPem: string }>;
}

/** SPIRE's X509-SVID extensions (builder.go buildX509SVIDTemplate). */
function svidExt(spiffeId: string): string[] {
  return [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment,keyAgreement',
    'extendedKeyUsage=serverAuth,clientAuth',
    `subjectAltName=URI:${spiffeId}`,
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
  ];
}

/** Creates the PKI under `dir` for trust domain `td`. */
export async function createMeshPki(dir: string, td: string): Promise<MeshPki> {
  const { selfSigned, issue, signCsr } = openOpensslPki(dir);
  const caExt = (extra: string[] = []): string[] => ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid', ...extra];

  const root = await selfSigned('mesh-root', '/O=vmonboard e2e/CN=e2e mesh root CA');
  // What `vmonboard ca init` writes as spire/tls.crt: room for SPIRE's CA beneath it (no pathlen).
  const spireIntermediate = await issue('spire-upstream', '/O=vmonboard e2e/CN=e2e SPIRE upstream CA', root, caExt());
  const signingSerial = randomSerial();
  const spireSigningCa = await issue('spire-signing', `/C=US/O=SPIFFE/serialNumber=${BigInt(signingSerial).toString()}`, spireIntermediate, caExt([`subjectAltName=URI:spiffe://${td}`]));
  const server = await issue('spire-server-svid', '/C=US/O=SPIRE', spireSigningCa, svidExt(`spiffe://${td}/spire/server`));
  // istiod's cacerts intermediate as Istio's tools/certs/common.mk writes it (pathlen:0): it signs leaves only.
  const istiodCa = await issue('istiod-ca', '/O=Istio/CN=Intermediate CA/L=cluster1', root, caExt().map((l) => l.replace('CA:TRUE', 'CA:TRUE,pathlen:0')));
  const unrelatedRoot = await selfSigned('unrelated-root', '/O=somewhere else/CN=unrelated root CA');
  const intermediates = [spireSigningCa.certPem, spireIntermediate.certPem];

  let n = 0;
  return {
    trustDomain: td,
    root,
    spireIntermediate,
    spireSigningCa,
    serverSvid: { ...server, chainPem: [server.certPem, ...intermediates].join('') },
    istiodCa,
    unrelatedRoot,
    async signWorkloadSvid(csrPem, spiffeId) {
      // `x509 -req` checks the request's self-signature: a CSR for a key the agent does not hold fails here.
      const leaf = await signCsr(`workload-${++n}`, csrPem, spireSigningCa, svidExt(spiffeId), '1');
      return { chain: [leaf, ...intermediates], bundle: root.certPem };
    },
    async issueIstiodServing(dnsNames) {
      const name = `istiod-serving-${++n}`;
      const ext = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=${dnsNames.map((d) => `DNS:${d}`).join(',')}`, 'authorityKeyIdentifier=keyid'];
      const kp = await issue(name, '/O=Istio', istiodCa, ext);
      return { ...kp, chainPem: kp.certPem + istiodCa.certPem };
    },
  };
}
