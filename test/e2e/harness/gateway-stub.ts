/**
 * The east-west gateway as far as a VM can see it without a cluster: one TCP listener per port
 * role on loopback (ephemeral ports, written into the rendered spec), so the payload's
 * verify step, which connects to every gateway port, passes or fails on real connections. The
 * `spire` and `istiod` roles pass through to the SPIRE server and istiod stand-ins
 * (mesh-identity.ts), as the real gateway routes them with TLS passthrough.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ISTIO_PORT_ROLES } from '../../../src/model/model.js';

/** Gateway port roles of flavor istio. */
export type GatewayRole = (typeof ISTIO_PORT_ROLES)[number];

/** The running listeners. */
export class GatewayStub {
  readonly address = '127.0.0.1';
  /** Port per role. */
  readonly ports = {} as Record<GatewayRole, number>;
  /** Connections accepted per role. */
  readonly connections = {} as Record<GatewayRole, number>;
  /**
   * Loopback port a role's connections are passed through to (TLS passthrough, as the real
   * gateway routes `spire` and `istiod`); a role without one accepts and closes.
   */
  private readonly backends = {} as Partial<Record<GatewayRole, number>>;
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

  /** Opens one listener per istio port role. */
  static async start(): Promise<GatewayStub> {
    const g = new GatewayStub();
    for (const role of ISTIO_PORT_ROLES) {
      g.connections[role] = 0;
      const server = createServer((s) => {
        g.connections[role] += 1;
        g.sockets.add(s);
        s.on('close', () => g.sockets.delete(s));
        s.on('error', () => undefined);
        const backend = g.backends[role];
        if (backend === undefined) {
          s.end();
          return;
        }
        const upstream = connect(backend, g.address);
        g.sockets.add(upstream);
        upstream.on('close', () => g.sockets.delete(upstream));
        upstream.on('error', () => s.destroy());
        s.on('close', () => upstream.destroy());
        s.pipe(upstream).pipe(s);
      });
      await new Promise<void>((resolve) => server.listen(0, g.address, resolve));
      g.ports[role] = (server.address() as AddressInfo).port;
      g.servers.push(server);
    }
    return g;
  }

  /** Passes `role`'s connections through to 127.0.0.1:`port` from now on. */
  forward(role: GatewayRole, port: number): void {
    this.backends[role] = port;
  }

  /** Closes every listener. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
