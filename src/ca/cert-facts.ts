/**
 * The facts `ca check` judges in a CA certificate: basic constraints and key usage, read with
 * @peculiar/x509 (Node's X509Certificate exposes neither the path length nor the key usage bits).
 */
import { keyUsageFlags, loadX509 } from './x509-library.js';
import { KEY_USAGE_NAMES, type KeyUsageName } from './profiles.js';

/** What a certificate says about being a CA. */
export interface CaFacts {
  isCA: boolean;
  /** basicConstraints pathLenConstraint; undefined = no limit. */
  pathLength?: number;
  /** Key usage names, or undefined when the certificate has no keyUsage extension. */
  keyUsages?: KeyUsageName[];
  subject: string;
  notAfter: Date;
}

/** Reads the CA facts of one PEM certificate. */
export async function readCaFacts(pem: string): Promise<CaFacts> {
  const x = await loadX509();
  const c = new x.X509Certificate(pem);
  const bc = c.getExtension(x.BasicConstraintsExtension);
  const ku = c.getExtension(x.KeyUsagesExtension);
  const bits = keyUsageFlags(x);
  return {
    isCA: bc?.ca ?? false,
    ...(bc?.pathLength !== undefined ? { pathLength: bc.pathLength } : {}),
    ...(ku ? { keyUsages: KEY_USAGE_NAMES.filter((n) => (ku.usages & bits[n]) !== 0) } : {}),
    subject: c.subject,
    notAfter: c.notAfter,
  };
}
