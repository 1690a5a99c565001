/**
 * A loopback forward proxy for proxy tests: it records every CONNECT (the host:port a client
 * asked to tunnel to) and either tunnels it (a real TCP pipe, so TLS runs end to end) or refuses
 * it with 403, as a corporate proxy does for a host it does not allow.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/** The running proxy. */
export interface LoopbackProxy {
  url: string;
  /** CONNECT targets (host:port), in order. */
  connects: string[];
  /** Plain (non-CONNECT) requests seen; a tunnelling client sends none. */
  plain: string[];
  /** Refuse every CONNECT with 403 from now on (or tunnel again with false). */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1. */
export async function startLoopbackProxy(): Promise<LoopbackProxy> {
  const connects: string[] = [];
  const plain: string[] = [];
  let refusing = false;
  const server: Server = createServer((req, res) => {
    plain.push(`${req.method} ${req.url}`);
    res.writeHead(405).end();
  });
  server.on('connect', (req, socket, head) => {
    const target = req.url ?? '';
    connects.push(target);
    if (refusing) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const upstream = connect(port, host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    plain,
    refuse: (on) => void (refusing = on),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
