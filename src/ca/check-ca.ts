/**
 * `vmonboard ca check`: judges a CA directory (made by `ca init`, or the operator's own PKI from
 * Vault, cert-manager or a corporate CA) against a spec, before its keys go into the cluster.
 * Every finding names the file and the line of the certificate it is about.
 *
 * The walk up each chain is written here rather than delegated to a path builder, because each
 * broken link must become its own located finding; the verdict of record is still the real
 * verifiers' (Go crypto/x509, openssl verify), which test/trust runs on what `ca init` writes.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../model/model.js';
import { CA_FILES, CA_KEY_FILES } from './ca-layout.js';
import { readCaFacts } from './cert-facts.js';
import { keysMatch, readPrivateKeyPem } from './keys.js';
import { isIssuedBy, readLocatedCertificates, sameCertificate, type PemCertificate } from './pem-certificates.js';

/** Certificates expiring sooner than this many days are reported as warnings. */
export const EXPIRY_WARNING_DAYS = 30;

/** The findings and the texts of the files they quote (for caret snippets). */
export interface CaCheckResult {
  diagnostics: Array<Diagnostic & { atKey?: boolean }>;
  sources: Map<string, string>;
}

type Finding = Diagnostic & { atKey?: boolean };

class CaDir {
  readonly sources = new Map<string, string>();
  readonly out: Finding[] = [];
  constructor(readonly dir: string) {}

  path(rel: string): string {
    return join(this.dir, rel);
  }

  at(rel: string, line: number, severity: Finding['severity'], code: Finding['code'], message: string, hint?: string): void {
    this.out.push({ severity, code, message, pointer: '', file: this.path(rel), line, column: 1, ...(hint ? { hint } : {}) });
  }

  read(rel: string, required: boolean): string | undefined {
    try {
      const text = readFileSync(this.path(rel), 'utf8');
      this.sources.set(this.path(rel), text);
      return text;
    } catch {
      if (required) this.out.push({ severity: 'error', code: 'CA_FILE_MISSING', message: `${this.path(rel)} does not exist; a CA directory holds ${Object.values(CA_FILES).join(', ')} (vmonboard ca init writes them)`, pointer: '', file: this.path(rel) });
      return undefined;
    }
  }

  certs(rel: string, required = true): PemCertificate[] | undefined {
    const text = this.read(rel, required);
    if (text === undefined) return undefined;
    if (/PRIVATE KEY-----/.test(text)) {
      this.at(rel, 1, 'error', 'CA_FILE_INVALID', `${this.path(rel)} contains a private key; it must hold certificates only`);
      return undefined;
    }
    const r = readLocatedCertificates(text);
    if (r.error) {
      this.at(rel, r.error.line, 'error', 'CA_FILE_INVALID', `${this.path(rel)}: ${r.error.message}`);
      return undefined;
    }
    return r.certs;
  }
}

function hasRoot(certs: PemCertificate[], roots: X509Certificate[]): boolean {
  return certs.some((c) => roots.some((r) => sameCertificate(c.cert, r)));
}

/** Follows `chain[0]` up through the rest of `chain` to a root; returns the index of the first certificate no parent signed, or -1 when it reaches a root. */
function findBrokenLink(chain: PemCertificate[], roots: X509Certificate[]): number {
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i]!.cert;
    if (roots.some((r) => sameCertificate(c, r) || isIssuedBy(c, r))) return -1;
    const next = chain[i + 1];
    if (!next || !isIssuedBy(c, next.cert)) return i;
  }
  return chain.length - 1;
}

async function checkCaCert(d: CaDir, rel: string, chain: PemCertificate[], roots: X509Certificate[], keyRel: string, belowIt: number, now: Date): Promise<void> {
  const first = chain[0]!;
  const facts = await readCaFacts(first.pem);
  const label = `${d.path(rel)} (${facts.subject})`;
  if (!facts.isCA) d.at(rel, first.line, 'error', 'CA_NOT_CA', `${label} is not a CA certificate (basicConstraints CA:TRUE is missing); it cannot sign certificates`);
  if (facts.keyUsages && !facts.keyUsages.includes('keyCertSign')) d.at(rel, first.line, 'error', 'CA_KEY_USAGE', `${label} has key usages ${facts.keyUsages.join(', ')} without keyCertSign; verifiers refuse certificates it signs (RFC 5280 §4.2.1.3)`);
  const broken = findBrokenLink(chain, roots);
  if (broken >= 0) {
    const c = chain[broken]!;
    d.at(rel, c.line, 'error', 'CA_CHAIN_BROKEN', `${d.path(rel)}: ${c.cert.subject.replace(/\n/g, ', ')} is not signed by the next certificate of the file nor by the mesh root (trust.meshRootCA); the chain does not reach the mesh root`, 'put the intermediates between it and the mesh root after it in the same file, issuer after subject');
  }
  // Path length: a CA at index i of the chain has i CAs of this chain beneath it, plus `belowIt` CAs its holder will mint (SPIRE's own signing CA for the SPIRE intermediate).
  for (let i = 0; i < chain.length; i++) {
    const f = i === 0 ? facts : await readCaFacts(chain[i]!.pem);
    const need = i + belowIt;
    if (f.pathLength !== undefined && f.pathLength < need) {
      const why = belowIt > 0 ? 'SPIRE mints its own signing CA beneath the SPIRE intermediate (spiffe/spire pkg/server/credtemplate/builder.go), so' : 'so';
      d.at(rel, chain[i]!.line, 'error', 'CA_PATH_LENGTH', `${d.path(rel)}: ${f.subject} has pathlen:${f.pathLength}, ${why} ${need} CA certificate${need === 1 ? '' : 's'} must be allowed beneath it; verifiers would fail with "too many intermediates for path length constraint"`, 'issue the SPIRE intermediate without a path length limit (vmonboard ca init does), not with Istio\'s tools/certs Makefile, whose intermediates carry pathlen:0');
    }
  }
  for (const c of chain) {
    const notAfter = new Date(c.cert.validTo);
    const days = (notAfter.getTime() - now.getTime()) / 86_400_000;
    if (days <= 0) d.at(rel, c.line, 'error', 'CA_EXPIRED', `${d.path(rel)}: ${c.cert.subject.replace(/\n/g, ', ')} expired on ${notAfter.toISOString()}`);
    else if (days < EXPIRY_WARNING_DAYS) d.at(rel, c.line, 'warning', 'CA_EXPIRING', `${d.path(rel)}: ${c.cert.subject.replace(/\n/g, ', ')} expires on ${notAfter.toISOString()}, in ${Math.floor(days)} days; rotate it before then`);
  }
  checkKey(d, keyRel, first);
}

function checkKey(d: CaDir, keyRel: string, cert: PemCertificate): void {
  const text = d.read(keyRel, true);
  if (text === undefined) return;
  const key = readPrivateKeyPem(text);
  if (typeof key === 'string') {
    d.at(keyRel, 1, 'error', 'CA_FILE_INVALID', `${d.path(keyRel)} is not a PEM private key (${key})`);
    return;
  }
  if (!keysMatch(key, cert.cert.publicKey)) d.at(keyRel, 1, 'error', 'CA_KEY_MISMATCH', `${d.path(keyRel)} is not the private key of ${cert.cert.subject.replace(/\n/g, ', ')}; the CA would fail to start ("certificate and private key do not match")`);
}

function checkKeyModes(d: CaDir): void {
  for (const rel of CA_KEY_FILES) {
    try {
      const mode = statSync(d.path(rel)).mode & 0o777;
      if ((mode & 0o077) !== 0) d.at(rel, 1, 'warning', 'CA_KEY_PERMISSIONS', `${d.path(rel)} has mode ${mode.toString(8).padStart(4, '0')}; a CA key should be readable by its owner only`, `chmod 600 ${d.path(rel)}`);
    } catch {
      // Missing keys are reported where they are read; the root key is optional.
    }
  }
}

/** Checks the CA directory `dir` against the spec's trust.meshRootCA. */
export async function checkCaDir(model: Model, dir: string, now = new Date()): Promise<CaCheckResult> {
  const d = new CaDir(dir);
  let roots: X509Certificate[] = [];
  const mesh = model.trust.meshRootCA;
  if (mesh.kind === 'inline') {
    roots = readLocatedCertificates(mesh.content).certs.map((c) => c.cert);
  } else {
    d.out.push({ severity: 'warning', code: 'CA_ROOT_UNVERIFIED', message: `trust.meshRootCA is a URL (${mesh.url}), which vmonboard does not fetch; the CA directory is checked against its own ${CA_FILES.rootCert} instead`, pointer: '/trust/meshRootCA/url' });
    roots = (d.certs(CA_FILES.rootCert) ?? []).map((c) => c.cert);
  }
  const top = mesh.kind === 'inline' ? d.certs(CA_FILES.rootCert, false) : undefined;
  if (top && !hasRoot(top, roots)) d.at(CA_FILES.rootCert, top[0]!.line, 'error', 'CA_ROOT_MISMATCH', `${d.path(CA_FILES.rootCert)} is not the mesh root of the spec (trust.meshRootCA "${mesh.kind === 'inline' ? mesh.file : ''}")`);
  if (top && d.read(CA_FILES.rootKey, false) !== undefined) checkKey(d, CA_FILES.rootKey, top[0]!);

  const istiod = d.certs(CA_FILES.istiodCert);
  if (istiod) {
    const chain = d.certs(CA_FILES.istiodChain);
    if (chain) {
      if (!sameCertificate(chain[0]!.cert, istiod[0]!.cert)) {
        d.at(CA_FILES.istiodChain, chain[0]!.line, 'error', 'CA_CHAIN_ORDER', `${d.path(CA_FILES.istiodChain)} must start with the istiod intermediate (${CA_FILES.istiodCert}), then each issuer up to the root; istiod sends this chain as is`);
      } else {
        await checkCaCert(d, CA_FILES.istiodChain, chain, roots, CA_FILES.istiodKey, 0, now);
      }
    }
  }
  const istiodRoot = d.certs(CA_FILES.istiodRoot);
  if (istiodRoot && !hasRoot(istiodRoot, roots)) d.at(CA_FILES.istiodRoot, istiodRoot[0]!.line, 'error', 'CA_ROOT_MISMATCH', `${d.path(CA_FILES.istiodRoot)} does not contain the mesh root (trust.meshRootCA); istiod would hand pods another root than the VMs trust`);

  const spire = d.certs(CA_FILES.spireCert);
  if (spire) await checkCaCert(d, CA_FILES.spireCert, spire, roots, CA_FILES.spireKey, 1, now);
  const bundle = d.certs(CA_FILES.spireBundle);
  if (bundle && !hasRoot(bundle, roots)) d.at(CA_FILES.spireBundle, bundle[0]!.line, 'error', 'CA_ROOT_MISMATCH', `${d.path(CA_FILES.spireBundle)} does not contain the mesh root (trust.meshRootCA); SPIRE serves this file as its trust bundle, so VMs bootstrapping from the mesh root could not verify the server`);
  checkKeyModes(d);
  return { diagnostics: d.out, sources: d.sources };
}
