/**
 * A throwaway certificate authority per test run, made with openssl: it signs the loopback
 * mirror's certificate, and the rendered spec trusts it as `artifacts.mirrorCA`, so the payload
 * downloads over real, verified HTTPS and never needs an insecure opt-in.
 */
import { openOpensslPki } from './openssl-pki.js';

/** PEM material of the test CA and the loopback server certificate. */
export interface TestCA {
  caCertPem: string;
  caCertPath: string;
  serverCertPem: string;
  serverKeyPem: string;
}

/** Creates a CA and a server certificate for 127.0.0.1 and localhost in `dir` (openssl-pki.ts). */
export async function createTestCA(dir: string): Promise<TestCA> {
  const pki = openOpensslPki(dir);
  const ca = await pki.selfSigned('ca', '/CN=vmonboard e2e test CA');
  const server = await pki.issue('server', '/CN=127.0.0.1', ca, ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth', 'basicConstraints=CA:FALSE']);
  return { caCertPem: ca.certPem, caCertPath: ca.certPath, serverCertPem: server.certPem, serverKeyPem: server.keyPem };
}
