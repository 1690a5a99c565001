/**
 * A loopback HTTPS artifact mirror for `vmonboard pin` tests. Every path serves deterministic
 * bytes derived from the path (large enough for several progress updates); a test can tamper
 * with one path's bytes or make it fail.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCA } from './test-ca.js';

/** The running mirror. */
export interface FakeMirror {
  base: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Replaces the bytes served at a path. */
  tamper(path: string, bytes: Buffer): void;
  /** Serves a path's original bytes again (undoes tamper and fail). */
  restore(path: string): void;
  /** Makes a path answer with an HTTP status. */
  fail(path: string, status: number): void;
  /** The bytes served at a path. */
  bytesFor(path: string): Buffer;
  close(): Promise<void>;
}

/** Deterministic artifact bytes: 256 KiB of a hash chain seeded with the path. */
function artifactBytes(path: string): Buffer {
  const out: Buffer[] = [];
  let h = createHash('sha256').update(path).digest();
  for (let i = 0; i < 8192; i++) {
    h = createHash('sha256').update(h).digest();
    out.push(h);
  }
  return Buffer.concat(out);
}

/** Starts the mirror on 127.0.0.1 with the test CA's server certificate. */
export async function startFakeMirror(ca: TestCA): Promise<FakeMirror> {
  const tampered = new Map<string, Buffer>();
  const failing = new Map<string, number>();
  const requests: string[] = [];
  const bytesFor = (path: string): Buffer => tampered.get(path) ?? artifactBytes(path);
  const server: Server = createServer({ cert: ca.serverCert, key: ca.serverKey }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://x').pathname;
    requests.push(path);
    const status = failing.get(path);
    if (status) {
      res.writeHead(status).end();
      return;
    }
    if (path.startsWith('/redirect/')) {
      res.writeHead(302, { location: path.replace('/redirect/', '/mirror/') }).end();
      return;
    }
    const body = bytesFor(path);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `https://127.0.0.1:${port}`,
    requests,
    tamper: (path, bytes) => void tampered.set(path, bytes),
    fail: (path, status) => void failing.set(path, status),
    restore: (path) => {
      tampered.delete(path);
      failing.delete(path);
    },
    bytesFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
