/**
 * A TLS server on loopback that speaks newline-delimited JSON, the wire format the SPIRE server
 * and istiod stand-ins share with their Python clients in the container. The real servers speak
 * gRPC over the same TLS; only the TLS handshake and the certificates are what the e2e judges,
 * so the application protocol is kept to one JSON object per line (Python's stdlib reads it).
 */
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type Server, type TLSSocket, type TlsOptions } from 'node:tls';

/** Answers one request of one connection; `session` lives as long as the connection. */
export type JsonLineHandler = (req: Record<string, unknown>, socket: TLSSocket, session: Map<string, unknown>) => Promise<Record<string, unknown>>;

/** A running JSON-line TLS server. */
export class JsonLineTlsServer {
  /** Handshakes that failed (alert from the peer, or a peer that closed before finishing), most recent last. */
  readonly handshakeErrors: string[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 (ephemeral port) with `options`; each JSON line is answered by `handle`. */
  static async start(options: TlsOptions, handle: JsonLineHandler): Promise<JsonLineTlsServer> {
    const server = createServer({ minVersion: 'TLSv1.2', ...options });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const s = new JsonLineTlsServer(server, (server.address() as AddressInfo).port);
    server.on('tlsClientError', (err) => s.handshakeErrors.push(err.message));
    server.on('connection', (raw: Socket) => {
      s.sockets.add(raw);
      raw.on('close', () => s.sockets.delete(raw));
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      const session = new Map<string, unknown>();
      let buffered = '';
      let chain = Promise.resolve();
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          // One request at a time, in order, as a unary RPC stream would be served.
          chain = chain.then(async () => {
            let reply: Record<string, unknown>;
            try {
              reply = await handle(JSON.parse(line) as Record<string, unknown>, socket, session);
            } catch (e) {
              reply = { error: `stand-in server error: ${(e as Error).message}` };
            }
            if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
          });
        }
      });
    });
    return s;
  }

  /** Replaces the certificate and key the server presents (new handshakes only). */
  setContext(options: TlsOptions): void {
    this.server.setSecureContext({ minVersion: 'TLSv1.2', ...options });
  }

  /** Closes the listener and every open connection. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
