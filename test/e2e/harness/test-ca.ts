/**
 * A throwaway certificate authority per test run, made with openssl: it signs the loopback
 * mirror's certificate, and the rendered spec trusts it as `artifacts.mirrorCA`, so the payload
 * downloads over real, verified HTTPS and never needs an insecure opt-in.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireHostTool } from './host-tools.js';
import { runOk } from './run.js';

/** PEM material of the test CA and the loopback server certificate. */
export interface TestCA {
  caCertPem: string;
  caCertPath: string;
  serverCertPem: string;
  serverKeyPem: string;
}

/** Creates a CA and a server certificate for 127.0.0.1 and localhost in `dir` (P-256 keys: fast to make). */
export async function createTestCA(dir: string): Promise<TestCA> {
  const openssl = requireHostTool('openssl');
  mkdirSync(dir, { recursive: true });
  const f = (name: string): string => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await runOk(openssl, ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=vmonboard e2e test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await runOk(openssl, ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await runOk(openssl, ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2',
    '-out', f('server.pem'), '-extfile', f('server.ext')]);
  return {
    caCertPem: readFileSync(f('ca.pem'), 'utf8'),
    caCertPath: f('ca.pem'),
    serverCertPem: readFileSync(f('server.pem'), 'utf8'),
    serverKeyPem: readFileSync(f('server.key'), 'utf8'),
  };
}
