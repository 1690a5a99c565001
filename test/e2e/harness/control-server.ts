/**
 * The test's plain-HTTP loopback server (127.0.0.1 only): the stand-ins' validation endpoint
 * and event sink, and the cloud metadata stubs. The container shares the host's network
 * namespace, so it reaches this server at the same address; the harness writes the URL into
 * each booted tree at {@link ENDPOINT_FILE}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetadataStub } from './metadata-stub.js';
import { StandinEvents, type StandinAgent, type StandinEvent } from './standin-events.js';
import { validateForStandin, type ValidationResponse } from './validation-endpoint.js';

/** Path inside the container where stand-ins find the control server's base URL. */
export const ENDPOINT_FILE = '/etc/vmonboard-e2e/endpoint';

/** A validated file as the stand-in sent it. */
export interface ValidatedFile {
  agent: string;
  /** Validation kind (otel-config, spire-agent-config, cluster-env, mesh-config, pilot-env). */
  kind: string;
  /** Path of the file inside the container, as the stand-in reported it. */
  file: string;
  body: string;
  response: ValidationResponse;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The running control server. */
export class ControlServer {
  readonly events = new StandinEvents();
  readonly metadata = new MetadataStub();
  /** Every file a stand-in had validated, in order (the last one per kind is what is running). */
  readonly validated: ValidatedFile[] = [];
  private server!: Server;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url = '';

  /** Starts listening on an ephemeral loopback port. */
  static async start(): Promise<ControlServer> {
    const s = new ControlServer();
    s.server = createServer((req, res) => {
      s.route(req, res).catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String((e as Error).message));
      });
    });
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.url = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  /** The last file of `kind` that a stand-in sent, or undefined. */
  lastValidated(kind: string): ValidatedFile | undefined {
    return this.validated.filter((v) => v.kind === kind).at(-1);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.metadata.handle(req, res)) return;
    const url = new URL(req.url ?? '/', this.url);
    const json = (status: number, v: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    if (req.method === 'POST' && url.pathname.startsWith('/validate/')) {
      const kind = url.pathname.slice('/validate/'.length);
      const body = await readBody(req);
      const response = await validateForStandin(kind, body);
      const agent = (req.headers['x-standin-agent'] as StandinAgent | undefined) ?? 'package';
      const file = String(req.headers['x-standin-file'] ?? kind);
      this.validated.push({ agent, kind, file, body, response });
      this.events.record({
        agent,
        event: response.errors.length === 0 ? 'validated' : 'fail',
        pid: Number(req.headers['x-standin-pid'] ?? 0) || undefined,
        user: req.headers['x-standin-user'] as string | undefined,
        detail: { kind, file, ...(response.errors.length ? { errors: response.errors } : {}) },
      });
      json(200, response);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/event') {
      const e = JSON.parse(await readBody(req)) as Omit<StandinEvent, 'seq' | 'at'>;
      json(200, this.events.record({ ...e, detail: e.detail ?? {} }));
      return;
    }
    json(404, { error: `no route ${req.method} ${url.pathname}` });
  }

  /** Stops the server (open keep-alive connections are closed). */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
