/**
 * Splits PEM text into certificates with the line each block starts on, so findings about one
 * certificate of a chain file point at that certificate (file:line). Parsing is Node's
 * X509Certificate (OpenSSL underneath), the DER decoding is never hand-written.
 */
import { X509Certificate } from 'node:crypto';

/** One certificate of a PEM file. */
export interface PemCertificate {
  cert: X509Certificate;
  /** The block's PEM text. */
  pem: string;
  /** 1-based line of its BEGIN line. */
  line: number;
}

/** One CERTIFICATE block of PEM text: its text (BEGIN to END line) and where it starts. */
export interface PemBlock {
  pem: string;
  /** Character offset of its BEGIN line in the text. */
  offset: number;
}

/**
 * The CERTIFICATE blocks of `text`, in order, unparsed. Node's X509Certificate reads one
 * certificate at a time, so every bundle is split here first (one splitter, not one per caller).
 */
export function listPemCertificateBlocks(text: string): PemBlock[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => ({ pem: m[0], offset: m.index }));
}

/**
 * Parses every CERTIFICATE block of `text` with the line it starts on (for `ca check` findings);
 * `error` says why a block could not be read. (spec/files.ts readPemCertificates is the spec-side
 * reader: it also refuses non-certificate blocks and re-encodes what it accepts.)
 */
export function readLocatedCertificates(text: string): { certs: PemCertificate[]; error?: { line: number; message: string } } {
  const certs: PemCertificate[] = [];
  for (const b of listPemCertificateBlocks(text)) {
    const line = text.slice(0, b.offset).split('\n').length;
    try {
      certs.push({ cert: new X509Certificate(b.pem), pem: `${b.pem}\n`, line });
    } catch (err) {
      return { certs, error: { line, message: `the certificate block cannot be parsed (${(err as Error).message})` } };
    }
  }
  if (certs.length === 0) return { certs, error: { line: 1, message: 'it holds no PEM certificate (-----BEGIN CERTIFICATE-----)' } };
  return { certs };
}

/** True when two certificates are the same certificate (equal DER). */
export function sameCertificate(a: X509Certificate, b: X509Certificate): boolean {
  return Buffer.compare(a.raw, b.raw) === 0;
}

/** True when `child` names `parent` as issuer and carries a valid signature by its key. */
export function isIssuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}
