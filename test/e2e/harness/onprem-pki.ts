/**
 * An on-prem host identity for the x509pop scenarios: a site CA (referenced by the spec as the
 * x509pop caBundle) and a host certificate and key, which an operator would have provisioned on
 * the machine before running install.sh.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireHostTool } from './host-tools.js';
import { runOk } from './run.js';

/** PEM files of the site CA and one host. */
export interface OnpremPki {
  /** Directory holding ca.pem and ca.key (for issueHostCertificate). */
  dir?: string;
  caPem: string;
  hostCertPem: string;
  hostKeyPem: string;
}

/** Creates the site CA and a host certificate with CN `cn` in `dir`. */
export async function createOnpremPki(dir: string, cn: string): Promise<OnpremPki> {
  const openssl = requireHostTool('openssl');
  mkdirSync(dir, { recursive: true });
  const f = (n: string): string => path.join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await runOk(openssl, ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=e2e on-prem site CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  await runOk(openssl, ['req', ...ec, '-keyout', f('host.key'), '-out', f('host.csr'), '-subj', `/CN=${cn}`]);
  await runOk(openssl, ['x509', '-req', '-in', f('host.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f('host.pem')]);
  return { dir, caPem: readFileSync(f('ca.pem'), 'utf8'), hostCertPem: readFileSync(f('host.pem'), 'utf8'), hostKeyPem: readFileSync(f('host.key'), 'utf8') };
}

/**
 * Signs another host certificate with the site CA in `dir` (made by createOnpremPki): subject CN
 * `cn` and the URI SANs the x509pop attestor turns into `x509pop:san:<key>:<value>` selectors.
 */
export async function issueHostCertificate(dir: string, name: string, cn: string, uriSans: string[] = []): Promise<{ certPem: string; keyPem: string }> {
  const openssl = requireHostTool('openssl');
  const f = (n: string): string => path.join(dir, n);
  await runOk(openssl, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${cn.replace(/[/\\]/g, '\\$&')}`]);
  const ext = f(`${name}.ext`);
  writeFileSync(ext, uriSans.length ? `subjectAltName=${uriSans.map((u) => `URI:${u}`).join(',')}\n` : '');
  await runOk(openssl, ['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', f(`${name}.pem`)]);
  return { certPem: readFileSync(f(`${name}.pem`), 'utf8'), keyPem: readFileSync(f(`${name}.key`), 'utf8') };
}
