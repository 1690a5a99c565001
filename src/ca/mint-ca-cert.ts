/**
 * Signs one CA certificate with @peculiar/x509 (certificate building is not hand-written: the
 * DER encoding of names and extensions is the library's job).
 */
import { randomBytes, type webcrypto } from 'node:crypto';
import { keyUsageFlags, loadX509 } from './x509-library.js';
import type { CaKeyPair } from './keys.js';
import type { CaProfile } from './profiles.js';

/** The issuer of a certificate: its certificate PEM and key pair; absent for a self-signed root. */
export interface CaIssuer {
  certPem: string;
  keys: CaKeyPair;
}

/** RFC 4514 subject of a profile (O, L, CN), escaped by the library's name parser rules. */
function subjectOf(p: CaProfile): string {
  const esc = (v: string): string => v.replace(/([,+"\\<>;=#])/g, '\\$1');
  return [`CN=${esc(p.commonName)}`, ...(p.locality ? [`L=${esc(p.locality)}`] : []), `O=${esc(p.organization)}`].join(', ');
}

/**
 * A positive 128-bit serial: RFC 5280 §4.1.2.2 wants unique positive serials of at most 20
 * octets; the top bit is cleared so the DER INTEGER needs no sign octet.
 */
function newSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

/** Creates a CA certificate for `publicKey` with the given profile, valid from `now` for `profile.days`. */
export async function mintCaCertificate(profile: CaProfile, keys: CaKeyPair, issuer: CaIssuer | undefined, now: Date): Promise<string> {
  const x = await loadX509();
  const flags = keyUsageFlags(x);
  const usage = profile.keyUsages.reduce((acc, k) => acc | flags[k], 0);
  const extensions = [
    new x.BasicConstraintsExtension(true, profile.pathLength, true),
    new x.KeyUsagesExtension(usage, true),
    await x.SubjectKeyIdentifierExtension.create(keys.publicKey as webcrypto.CryptoKey as never),
  ];
  if (profile.dnsNames.length > 0) extensions.push(new x.SubjectAlternativeNameExtension(profile.dnsNames.map((d) => ({ type: 'dns' as const, value: d }))) as never);
  const notAfter = new Date(now.getTime() + profile.days * 86_400_000);
  const subject = subjectOf(profile);
  if (!issuer) {
    const cert = await x.X509CertificateGenerator.create({
      serialNumber: newSerial(),
      subject,
      issuer: subject,
      notBefore: now,
      notAfter,
      signingAlgorithm: keys.signingAlgorithm,
      publicKey: keys.publicKey as never,
      signingKey: keys.privateKey as never,
      extensions,
    });
    return cert.toString('pem') + '\n';
  }
  const parent = new x.X509Certificate(issuer.certPem);
  extensions.push((await x.AuthorityKeyIdentifierExtension.create(parent, false)) as never);
  const cert = await x.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject,
    issuer: parent.subject,
    notBefore: now,
    notAfter,
    signingAlgorithm: issuer.keys.signingAlgorithm,
    publicKey: keys.publicKey as never,
    signingKey: issuer.keys.privateKey as never,
    extensions,
  });
  return cert.toString('pem') + '\n';
}
