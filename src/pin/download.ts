/**
 * Streams one artifact over HTTPS and hashes it, without keeping it in memory or on disk.
 * Trust is the system roots plus the spec's mirror CA (an internal mirror is usually signed by
 * a private CA); redirects are followed (GitHub release assets redirect to a CDN) but never from
 * https to plain http.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

/** Download settings. */
export interface DownloadOptions {
  /** Extra trusted CA certificates (PEM), added to the system roots. */
  extraCA?: string;
  /** Allow plain http:// URLs (the spec's allowInsecureHttpMirror). */
  allowHttp?: boolean;
  /** Called as bytes arrive; total is undefined without a Content-Length. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Idle socket timeout in ms. */
  timeoutMs?: number;
  /** Refuse bodies larger than this (a runaway or hostile server). */
  maxBytes?: number;
}

/** The hash and size of what was downloaded, and the final URL after redirects. */
export interface DownloadResult {
  sha256: string;
  size: number;
  finalUrl: string;
}

const MAX_REDIRECTS = 5;
/** Istio/otelcol packages are tens of MB; 2 GiB is far above any real artifact. */
const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

/** OpenSSL verification failures (node's TLS error codes) that a missing private CA causes. */
const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);

/** A download that failed, with a message naming the URL. */
export class DownloadError extends Error {}

/** Downloads `url` and returns its sha256; throws DownloadError on an HTTP, TLS or network error. */
export async function downloadAndHash(url: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const ca = opts.extraCA ? [...rootCertificates, opts.extraCA] : undefined;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const u = new URL(current);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && opts.allowHttp)) {
      throw new DownloadError(`refusing ${current}: downloads must use https://${hop > 0 ? ` (redirected from ${url})` : ''}`);
    }
    const res = await request(u, ca, opts.timeoutMs ?? 60_000);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      const next = new URL(res.headers.location, u);
      if (u.protocol === 'https:' && next.protocol !== 'https:') throw new DownloadError(`refusing the redirect from ${current} to ${next.href}: it leaves https`);
      current = next.href;
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new DownloadError(`GET ${current} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`);
    }
    return await hashBody(res, current, opts);
  }
  throw new DownloadError(`GET ${url} redirected more than ${MAX_REDIRECTS} times`);
}

function request(u: URL, ca: string[] | undefined, timeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.get(u, { ...(ca ? { ca } : {}), headers: { 'user-agent': 'vmonboard-pin' } }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const hint = UNTRUSTED.has(err.code ?? '') ? '; if the server uses a private CA, set artifacts.mirrorCA to its certificate' : '';
      reject(new DownloadError(`GET ${u.href} failed: ${err.message}${hint}`));
    });
  });
}

function hashBody(res: http.IncomingMessage, url: string, opts: DownloadOptions): Promise<DownloadResult> {
  const total = res.headers['content-length'] ? Number(res.headers['content-length']) : undefined;
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const hash = createHash('sha256');
  let size = 0;
  return new Promise((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        res.destroy();
        reject(new DownloadError(`GET ${url} sent more than ${max} bytes; refusing it`));
        return;
      }
      hash.update(chunk);
      opts.onProgress?.(size, total);
    });
    res.on('end', () => {
      if (total !== undefined && size !== total) reject(new DownloadError(`GET ${url} ended after ${size} of ${total} bytes`));
      else resolve({ sha256: hash.digest('hex'), size, finalUrl: url });
    });
    res.on('error', (err) => reject(new DownloadError(`GET ${url} failed while reading: ${err.message}`)));
  });
}
