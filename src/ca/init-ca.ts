/**
 * `vmonboard ca init`: a fresh mesh root and two intermediates of it, one for istiod's
 * plugged-in CA and one for SPIRE's `disk` UpstreamAuthority (one root of trust: docs/identity.md).
 */
import { CA_FILES } from './ca-layout.js';
import { exportPrivateKeyPem, generateCaKey } from './keys.js';
import { mintCaCertificate } from './mint-ca-cert.js';
import { buildCaProfiles, checkCaSettings, DEFAULT_CA_SETTINGS, type CaInitSettings } from './profiles.js';
import { CaWriteError, writeCaFiles } from './write-ca-files.js';

/** The PEM texts of a new CA, keyed by their path in the CA directory (see CA_FILES). */
export type CaMaterial = Array<readonly [string, string]>;

/** Makes the root and both intermediates in memory; `now` is the notBefore of all three. */
export async function buildCaMaterial(settings: Partial<CaInitSettings> = {}, now = new Date()): Promise<CaMaterial> {
  const s = { ...DEFAULT_CA_SETTINGS, ...settings };
  const problem = checkCaSettings(s);
  if (problem) throw new CaWriteError(problem);
  const p = buildCaProfiles(s);
  // Keys are independent: generate them concurrently (RSA 4096 dominates the run time).
  const [rootKeys, istiodKeys, spireKeys] = await Promise.all([generateCaKey(s.keyType), generateCaKey(s.keyType), generateCaKey(s.keyType)]);
  const root = await mintCaCertificate(p.root, rootKeys, undefined, now);
  const issuer = { certPem: root, keys: rootKeys };
  const istiod = await mintCaCertificate(p.istiod, istiodKeys, issuer, now);
  const spire = await mintCaCertificate(p.spire, spireKeys, issuer, now);
  return [
    [CA_FILES.rootCert, root],
    [CA_FILES.rootKey, await exportPrivateKeyPem(rootKeys.privateKey)],
    [CA_FILES.istiodCert, istiod],
    [CA_FILES.istiodKey, await exportPrivateKeyPem(istiodKeys.privateKey)],
    [CA_FILES.istiodChain, istiod + root],
    [CA_FILES.istiodRoot, root],
    [CA_FILES.spireCert, spire],
    [CA_FILES.spireKey, await exportPrivateKeyPem(spireKeys.privateKey)],
    [CA_FILES.spireBundle, root],
  ];
}

/** Creates the CA directory `dir`; returns the paths written. Throws CaWriteError for bad settings or existing files. */
export async function initCaDir(dir: string, settings: Partial<CaInitSettings> = {}, now = new Date()): Promise<string[]> {
  const material = await buildCaMaterial(settings, now);
  return writeCaFiles(dir, material);
}
