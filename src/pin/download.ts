/**
 * Streams one artifact over HTTPS and hashes it, without keeping it in memory or on disk.
 * Trust is the system roots plus the spec's mirror CA (an internal mirror is usually signed by
 * a private CA); redirects are followed (GitHub release assets redirect to a CDN) but never from
 * https to plain http. Requests go through undici with the proxy the environment names
 * (HTTPS_PROXY, NO_PROXY...; src/net/proxy.ts).
 */
import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { request as undiciRequest, type Dispatcher } from 'undici';
import { createDownloadDispatcher } from '../net/proxy.js';
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

/**
 * A download that failed, with a message naming the URL. `untrusted` marks a TLS verification
 * failure: the fix is the spec's artifacts.mirrorCA, not a retry.
 */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly untrusted = false,
  ) {
    super(message);
  }
}

/** Downloads `url` and returns its sha256; throws DownloadError on an HTTP, TLS or network error. */
export async function downloadAndHash(url: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const { body, finalUrl, total } = await openDownload(url, opts);
  return await hashBody(body, finalUrl, total, opts);
}

/** Downloads a small text (a published checksums file) into memory; at most `maxBytes` (1 MiB). */
export async function downloadText(url: string, opts: Omit<DownloadOptions, 'onProgress'> = {}): Promise<string> {
  const max = opts.maxBytes ?? 1024 * 1024;
  const { body, finalUrl } = await openDownload(url, opts);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of body) {
      size += (c as Buffer).length;
      if (size > max) throw new DownloadError(`GET ${finalUrl} sent more than ${max} bytes; refusing it`);
      chunks.push(c as Buffer);
    }
  } catch (err) {
    body.destroy();
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(`GET ${finalUrl} failed while reading: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

let sharedDispatchers = new Map<string, Dispatcher>();

/** One dispatcher per trust setting, so connections (and proxy tunnels) are reused across artifacts. */
function dispatcherFor(extraCA: string | undefined): Dispatcher {
  const key = extraCA ?? '';
  let d = sharedDispatchers.get(key);
  if (!d) {
    d = createDownloadDispatcher(extraCA ? [...rootCertificates, extraCA] : undefined);
    sharedDispatchers.set(key, d);
  }
  return d;
}

/** Closes pooled connections so the process can exit promptly (the CLI calls it after pin). */
export async function closeDownloads(): Promise<void> {
  const all = [...sharedDispatchers.values()];
  sharedDispatchers = new Map();
  await Promise.all(all.map((d) => d.close()));
}

type Body = Dispatcher.ResponseData['body'];

async function openDownload(url: string, opts: DownloadOptions): Promise<{ body: Body; finalUrl: string; total: number | undefined }> {
  const dispatcher = dispatcherFor(opts.extraCA);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const u = new URL(current);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && opts.allowHttp)) {
      throw new DownloadError(`refusing ${current}: downloads must use https://${hop > 0 ? ` (redirected from ${url})` : ''}`);
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await undiciRequest(u, { dispatcher, headers: { 'user-agent': 'vmonboard-pin' }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    } catch (err) {
      throw new DownloadError(`GET ${u.href} failed: ${describeNetworkError(err)}`, isUntrusted(err));
    }
    const status = res.statusCode;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && typeof location === 'string') {
      res.body.resume();
      const next = new URL(location, u);
      if (u.protocol === 'https:' && next.protocol !== 'https:') throw new DownloadError(`refusing the redirect from ${current} to ${next.href}: it leaves https`);
      current = next.href;
      continue;
    }
    if (status !== 200) {
      res.body.resume();
      throw new DownloadError(`GET ${current} answered HTTP ${status}`);
    }
    const len = res.headers['content-length'];
    return { body: res.body, finalUrl: current, total: typeof len === 'string' ? Number(len) : undefined };
  }
  throw new DownloadError(`GET ${url} redirected more than ${MAX_REDIRECTS} times`);
}

function isUntrusted(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return UNTRUSTED.has(e.cause?.code ?? '') || UNTRUSTED.has(e.code ?? '');
}

/** The message of a connection error, with the cause undici wraps and a hint for a private CA. */
function describeNetworkError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const root = e.cause && e.cause.message ? e.cause : e;
  const code = root.code ?? e.code ?? '';
  const hint = UNTRUSTED.has(code) ? '; if the server uses a private CA, set artifacts.mirrorCA to its certificate' : '';
  // undici reports a proxy that refuses the tunnel as "Proxy response (403) !== 200 when HTTP Tunneling".
  const proxyHint = /proxy/i.test(root.message ?? '') ? ' (through the proxy HTTPS_PROXY names; check it, or NO_PROXY)' : '';
  // Node 24 appends its own advice to TLS trust errors ("; if the root CA is installed locally, try
  // running Node.js with --use-system-ca"); vmonboard's answer is artifacts.mirrorCA, and the
  // message reads the same on every Node line.
  const message = (root.message ?? String(err)).replace(/; if the root CA is installed locally, try running Node\.js with --use-system-ca$/, '');
  return `${message}${proxyHint}${hint}`;
}

function hashBody(res: Body, url: string, total: number | undefined, opts: DownloadOptions): Promise<DownloadResult> {
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
