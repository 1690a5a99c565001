/**
 * The loopback HTTPS artifact mirror (`artifacts.mirror` in the test spec), signed by the
 * per-run test CA. Files are laid out as the real mirror would be
 * (`<component>/<version>/<upstream file name>`, src/artifacts/catalog.ts). A test can tamper
 * with one file, or take the whole mirror down (connections refused) and bring it back on the
 * same port, and reads the request log to prove what was or was not downloaded.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TestCA } from './test-ca.js';

/** One request the mirror answered. */
export interface MirrorRequest {
  at: number;
  method: string;
  path: string;
  status: number;
}

/** The running mirror. */
export class ArtifactMirror {
  readonly requests: MirrorRequest[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly tampered = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  private port = 0;
  private upTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly ca: TestCA) {}

  /** Starts the mirror on an ephemeral loopback port. */
  static async start(ca: TestCA): Promise<ArtifactMirror> {
    const m = new ArtifactMirror(ca);
    await m.listen(0);
    return m;
  }

  /** Base URL for `artifacts.mirror`, e.g. https://127.0.0.1:40123 */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Publishes `bytes` at `relPath` (no leading slash). */
  put(relPath: string, bytes: Buffer): void {
    this.files.set(`/${relPath}`, bytes);
  }

  /** Serves `relPath` with one byte flipped (same length, different sha256) until {@link untamperAll}. */
  tamper(relPath: string): void {
    this.tampered.add(`/${relPath}`);
  }

  /** Serves every file untouched again. */
  untamperAll(): void {
    this.tampered.clear();
  }

  /** Requests for real files (GET/HEAD of a published path) since `since` (ms epoch). */
  downloads(since = 0): MirrorRequest[] {
    return this.requests.filter((r) => r.at >= since && this.files.has(r.path));
  }

  private listen(port: number): Promise<void> {
    this.server = createServer({ cert: this.ca.serverCertPem, key: this.ca.serverKeyPem }, (req, res) => {
      const path = new URL(req.url ?? '/', 'https://mirror').pathname;
      let body = this.files.get(path);
      const status = body ? 200 : 404;
      this.requests.push({ at: Date.now(), method: req.method ?? 'GET', path, status });
      if (!body) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      if (this.tampered.has(path)) {
        body = Buffer.from(body);
        body[body.length - 1] = body[body.length - 1]! ^ 0xff;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Takes the mirror down: the port refuses connections, as an unreachable mirror would. */
  async down(): Promise<void> {
    if (this.upTimer) clearTimeout(this.upTimer);
    if (!this.server.listening) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Brings the mirror back on the same port. */
  async up(): Promise<void> {
    if (this.server.listening) return;
    await this.listen(this.port);
  }

  /** Down now, back up after `ms` (while a boot is running). */
  async downFor(ms: number): Promise<void> {
    await this.down();
    this.upTimer = setTimeout(() => void this.up(), ms);
  }

  /** Stops the mirror for good. */
  async close(): Promise<void> {
    if (this.upTimer) clearTimeout(this.upTimer);
    await this.down();
  }
}
