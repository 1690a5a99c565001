/**
 * What `vmonboard ca init` puts into each certificate, and where each default comes from.
 *
 * - Root and istiod intermediate: Istio's own CA tooling, istio/istio 1.27.1
 *   `tools/certs/common.mk` (`root-ca.conf` and `%/intermediate.conf`): RSA 4096, 3650 days,
 *   `keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign`, the
 *   intermediate with `pathlen:0` (istiod signs workload leaves only) and
 *   `DNS.1 = istiod.istio-system.svc`.
 * - SPIRE intermediate: SPIRE mints its own signing CA beneath the upstream CA of the `disk`
 *   UpstreamAuthority (spiffe/spire v1.15.3 `pkg/server/credtemplate/builder.go`
 *   `BuildUpstreamSignedX509CACSR`, signed by `pkg/common/x509svid/upstreamca.go` `SignCSR`), so
 *   this intermediate must allow one more CA below it: no path length limit. Its key usages are
 *   SPIRE's own for CA certificates (`KeyUsageCertSign | KeyUsageCRLSign`, both files above).
 *   Lifetime: Istio's INTERMEDIATE_DAYS, as for the istiod intermediate.
 */

/** Key usages a CA certificate may carry (RFC 5280 §4.2.1.3 names). */
export const KEY_USAGE_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'] as const;
/** One key usage name. */
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

/** Key algorithms `ca init` can generate. */
export const KEY_TYPES = ['rsa-4096', 'rsa-3072', 'rsa-2048', 'ec-p256', 'ec-p384'] as const;
/** One key algorithm. */
export type KeyType = (typeof KEY_TYPES)[number];

/** The three CAs `ca init` writes. */
export type CaRole = 'root' | 'istiod' | 'spire';

/** The content of one CA certificate. */
export interface CaProfile {
  role: CaRole;
  commonName: string;
  organization: string;
  /** The L= attribute Istio's intermediate.conf sets to the directory name. */
  locality?: string;
  /** basicConstraints pathlen; undefined = no limit. */
  pathLength?: number;
  keyUsages: KeyUsageName[];
  dnsNames: string[];
  days: number;
}

/** Settings of `ca init`, each defaulted from the sources above. */
export interface CaInitSettings {
  keyType: KeyType;
  organization: string;
  rootDays: number;
  istiodDays: number;
  spireDays: number;
  /** Path length of the SPIRE intermediate: undefined (no limit) or at least 1. */
  spirePathLength?: number;
  istiodDnsNames: string[];
  rootKeyUsages: KeyUsageName[];
  istiodKeyUsages: KeyUsageName[];
  spireKeyUsages: KeyUsageName[];
}

/** common.mk ROOTCA_DAYS / INTERMEDIATE_DAYS. */
const ISTIO_DAYS = 3650;
/** common.mk root-ca.conf and intermediate.conf keyUsage. */
const ISTIO_CA_KEY_USAGES: KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign'];
/** SPIRE's CA key usages (builder.go buildX509CATemplate, upstreamca.go SignCSR). */
const SPIRE_CA_KEY_USAGES: KeyUsageName[] = ['keyCertSign', 'cRLSign'];

/** The sourced defaults (see the file comment). */
export const DEFAULT_CA_SETTINGS: CaInitSettings = {
  // common.mk ROOTCA_KEYSZ / INTERMEDIATE_KEYSZ 4096 with `openssl genrsa`.
  keyType: 'rsa-4096',
  organization: 'vmonboard mesh',
  rootDays: ISTIO_DAYS,
  istiodDays: ISTIO_DAYS,
  spireDays: ISTIO_DAYS,
  istiodDnsNames: ['istiod.istio-system.svc'],
  rootKeyUsages: ISTIO_CA_KEY_USAGES,
  istiodKeyUsages: ISTIO_CA_KEY_USAGES,
  spireKeyUsages: SPIRE_CA_KEY_USAGES,
};

/** The three certificate profiles for the given settings. */
export function buildCaProfiles(s: CaInitSettings): Record<CaRole, CaProfile> {
  return {
    root: { role: 'root', commonName: 'Root CA', organization: s.organization, keyUsages: s.rootKeyUsages, dnsNames: [], days: s.rootDays },
    // pathlen:0 as Istio's intermediate.conf: istiod issues leaf certificates only.
    istiod: { role: 'istiod', commonName: 'Intermediate CA', organization: s.organization, locality: 'istiod', pathLength: 0, keyUsages: s.istiodKeyUsages, dnsNames: s.istiodDnsNames, days: s.istiodDays },
    spire: { role: 'spire', commonName: 'SPIRE Upstream CA', organization: s.organization, locality: 'spire', ...(s.spirePathLength !== undefined ? { pathLength: s.spirePathLength } : {}), keyUsages: s.spireKeyUsages, dnsNames: [], days: s.spireDays },
  };
}

/** Returns why settings cannot make a working CA, or undefined when they can. */
export function checkCaSettings(s: CaInitSettings): string | undefined {
  for (const [name, days] of [['root', s.rootDays], ['istiod', s.istiodDays], ['spire', s.spireDays]] as const) {
    if (!Number.isInteger(days) || days < 1) return `${name} lifetime must be a whole number of days, at least 1`;
  }
  if (s.istiodDays > s.rootDays || s.spireDays > s.rootDays) return 'an intermediate cannot outlive the root: its lifetime must not exceed the root\'s';
  if (s.spirePathLength !== undefined && (!Number.isInteger(s.spirePathLength) || s.spirePathLength < 1)) {
    return 'the SPIRE intermediate needs a path length of at least 1 (SPIRE mints its own signing CA beneath it), or none';
  }
  for (const [name, ku] of [['root', s.rootKeyUsages], ['istiod', s.istiodKeyUsages], ['spire', s.spireKeyUsages]] as const) {
    if (!ku.includes('keyCertSign')) return `the ${name} key usages must include keyCertSign (RFC 5280 §4.2.1.3: a CA signs certificates)`;
  }
  return undefined;
}
