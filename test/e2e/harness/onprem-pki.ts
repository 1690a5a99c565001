/**
 * An on-prem host identity for the x509pop scenarios: a site CA (referenced by the spec as the
 * x509pop caBundle) and a host certificate and key, which an operator would have provisioned on
 * the machine before running install.sh.
 */
import { openOpensslPki } from './openssl-pki.js';

/** PEM files of the site CA and one host. */
export interface OnpremPki {
  /** Directory holding ca.pem and ca.key (for issueHostCertificate). */
  dir?: string;
  caPem: string;
  hostCertPem: string;
  hostKeyPem: string;
}

/** Creates the site CA and a host certificate with CN `cn` in `dir` (openssl-pki.ts). */
export async function createOnpremPki(dir: string, cn: string): Promise<OnpremPki> {
  const ca = await openOpensslPki(dir).selfSigned('ca', '/CN=e2e on-prem site CA');
  const host = await issueHostCertificate(dir, 'host', cn);
  return { dir, caPem: ca.certPem, hostCertPem: host.certPem, hostKeyPem: host.keyPem };
}

/**
 * Signs another host certificate with the site CA in `dir` (made by createOnpremPki): subject CN
 * `cn` and the URI SANs the x509pop attestor turns into `x509pop:san:<key>:<value>` selectors.
 */
export async function issueHostCertificate(dir: string, name: string, cn: string, uriSans: string[] = []): Promise<{ certPem: string; keyPem: string }> {
  const pki = openOpensslPki(dir);
  const issuer = { certPath: pki.file('ca.pem'), keyPath: pki.file('ca.key') };
  const kp = await pki.issue(name, `/CN=${cn.replace(/[/\\]/g, '\\$&')}`, issuer, uriSans.length ? [`subjectAltName=${uriSans.map((u) => `URI:${u}`).join(',')}`] : []);
  return { certPem: kp.certPem, keyPem: kp.keyPem };
}
