/**
 * Local files referenced by a spec (CA bundles, trust bundles) resolve only under --files-dir
 * (butane's rule): no absolute paths, no .., no symlinks out. This is the only file I/O the
 * validation pipeline does, and it is behind an interface so tests can use an in-memory tree.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { LIMITS } from './limits.js';

/** Result of reading one referenced file. */
export type FileRead = { ok: true; content: string } | { ok: false; code: DiagnosticCode; message: string };

/** Reads files named in a spec. */
export interface FileSource {
  /** Reads `relPath` (as written in the spec). */
  read(relPath: string): FileRead;
}

/** A FileSource over a real directory, refusing anything that leaves it. */
export function filesDirSource(dir: string | undefined): FileSource {
  return {
    read(relPath: string): FileRead {
      if (dir === undefined) {
        return { ok: false, code: 'FILES_DIR_REQUIRED', message: `"${relPath}" is a local file but no --files-dir was given (it defaults to the spec's directory; pass it when the spec comes from stdin)` };
      }
      if (isAbsolute(relPath) || relPath.split(/[\\/]/).includes('..')) {
        return { ok: false, code: 'FILE_ESCAPES_FILES_DIR', message: `"${relPath}" must be a relative path inside --files-dir, without ..` };
      }
      const root = resolve(dir);
      const full = join(root, relPath);
      let real: string;
      let realRoot: string;
      try {
        realRoot = realpathSync(root);
        real = realpathSync(full);
      } catch {
        return { ok: false, code: 'FILE_NOT_FOUND', message: `"${relPath}" does not exist under --files-dir ${dir}` };
      }
      const rel = relative(realRoot, real);
      if (rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel)) {
        return { ok: false, code: 'FILE_ESCAPES_FILES_DIR', message: `"${relPath}" is a symlink that leaves --files-dir` };
      }
      const st = statSync(real);
      if (!st.isFile()) return { ok: false, code: 'FILE_NOT_FOUND', message: `"${relPath}" is not a regular file` };
      if (st.size > LIMITS.maxReferencedFileBytes) {
        return { ok: false, code: 'FILE_TOO_LARGE', message: `"${relPath}" is ${st.size} bytes; referenced files may be at most ${LIMITS.maxReferencedFileBytes} bytes` };
      }
      return { ok: true, content: readFileSync(real, 'utf8') };
    },
  };
}

/** A FileSource over an in-memory map (tests, library callers). */
export function memoryFileSource(files: Record<string, string>): FileSource {
  return {
    read(relPath: string): FileRead {
      if (isAbsolute(relPath) || relPath.split(/[\\/]/).includes('..')) {
        return { ok: false, code: 'FILE_ESCAPES_FILES_DIR', message: `"${relPath}" must be a relative path inside --files-dir, without ..` };
      }
      const content = files[relPath];
      if (content === undefined) return { ok: false, code: 'FILE_NOT_FOUND', message: `"${relPath}" does not exist under --files-dir` };
      return { ok: true, content };
    },
  };
}

/** PEM text read as certificates: the re-encoded certificates, or why it cannot be trust material. */
export type PemCertificates = { ok: true; pem: string; count: number } | { ok: false; code: 'FILE_NOT_CERTIFICATE' | 'CERTIFICATE_NOT_X509'; problem: string };

/**
 * Reads PEM text that must hold one or more certificates and nothing else: public trust material
 * only. Every block is parsed as X.509 (crypto.X509Certificate), because the PEM wrapping alone
 * proves nothing: a PKCS#8 private key between BEGIN CERTIFICATE lines once passed and was copied
 * into root-cert.pem, bootstrap.sh, the user data and the Helm values. What is emitted is each
 * certificate re-encoded from its DER (64-column base64, no comments or other text), so nothing
 * but the parsed certificates reaches an output.
 */
export function readPemCertificates(content: string): PemCertificates {
  const notCert = (problem: string): PemCertificates => ({ ok: false, code: 'FILE_NOT_CERTIFICATE', problem });
  if (/PRIVATE KEY-----/.test(content)) return notCert('it contains a private key; only certificates may be referenced here');
  const blocks = content.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
  if (blocks.length === 0) return notCert('it holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  const out: string[] = [];
  for (const [i, b] of blocks.entries()) {
    if (!b.startsWith('-----BEGIN CERTIFICATE-----')) return notCert(`it holds a PEM block that is not a certificate (${/BEGIN ([A-Z0-9 ]+)/.exec(b)?.[1]})`);
    const body = b.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return notCert('a certificate block is not valid base64');
    let der: Buffer;
    try {
      der = new X509Certificate(Buffer.from(body, 'base64')).raw;
    } catch (err) {
      return { ok: false, code: 'CERTIFICATE_NOT_X509', problem: `PEM block ${i + 1} of ${blocks.length} is labelled CERTIFICATE but is not an X.509 certificate (${(err as Error).message.toLowerCase()})` };
    }
    const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
    out.push(`-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
  }
  const outside = content.replace(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g, '').trim();
  if (outside.length > 0 && !/^(#[^\n]*\n?|\s)*$/.test(outside)) return notCert('it has text outside the certificate blocks');
  return { ok: true, pem: out.join(''), count: out.length };
}
