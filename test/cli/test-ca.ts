/**
 * A throwaway certificate authority for loopback HTTPS tests, made with Debian's openssl in a
 * temp directory: a CA certificate and a server certificate for IP 127.0.0.1 that it signed.
 * Nothing here is a real secret; the keys live only as long as the test's temp directory.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireExecutable } from '../validators/require-tool.js';

/** PEM texts of the test CA and of the loopback server's certificate and key. */
export interface TestCA {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/** Creates the CA and a 127.0.0.1 server certificate under `dir` (EC P-256: fast to make). */
export function makeTestCA(dir: string): TestCA {
  const openssl = requireExecutable('openssl', 'openssl');
  const run = (args: string[]): void => {
    execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=vmonboard loopback test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext']);
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return { caCert: read('ca.pem'), serverCert: read('server.pem'), serverKey: read('server.key') };
}
