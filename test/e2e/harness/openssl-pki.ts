/**
 * The e2e harness's one way to make certificates: openssl (the harness's X.509 tool) with P-256
 * keys, a random positive serial per certificate and the extensions given as an openssl extfile.
 * The mirror's test CA (test-ca.ts), the on-prem site CA and host certificates (onprem-pki.ts)
 * and the mesh PKI (mesh-pki.ts) are all made here, independently of src/ca, so the e2e judges
 * the payload against a PKI vmonboard did not make.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requireHostTool } from './host-tools.js';
import { runOk } from './run.js';

/** One certificate with its key, as PEM and as the files they are in. */
export interface KeyPair {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

/** Makes certificates in one directory (`<name>.pem`, `<name>.key`, plus the CSR and extfile). */
export interface OpensslPki {
  /** A self-signed CA (critical basicConstraints CA:TRUE and keyUsage keyCertSign, cRLSign). */
  selfSigned(name: string, subj: string): Promise<KeyPair>;
  /** A new key and a certificate for it, signed by `issuer`, with `ext` (openssl extfile lines). */
  issue(name: string, subj: string, issuer: Pick<KeyPair, 'certPath' | 'keyPath'>, ext: string[], days?: string): Promise<KeyPair>;
  /** Signs a CSR made elsewhere (its self-signature is checked by `x509 -req`). */
  signCsr(name: string, csrPem: string, issuer: Pick<KeyPair, 'certPath' | 'keyPath'>, ext: string[], days?: string): Promise<string>;
  /** The path of `name` in the directory. */
  file(name: string): string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
/** Test certificates live two days: long enough for any run, short enough to never matter. */
const DAYS = '2';

/** A positive serial of 128 random bits (first hex digit forced non-zero, so openssl keeps all 16 octets). */
export function randomSerial(): string {
  return `0x${randomBytes(16).toString('hex').replace(/^./, '1')}`;
}

/** The certificate maker for `dir` (created if missing). */
export function openOpensslPki(dir: string): OpensslPki {
  const openssl = requireHostTool('openssl');
  mkdirSync(dir, { recursive: true });
  const f = (name: string): string => path.join(dir, name);
  const read = (name: string): KeyPair => ({ certPem: readFileSync(f(`${name}.pem`), 'utf8'), keyPem: readFileSync(f(`${name}.key`), 'utf8'), certPath: f(`${name}.pem`), keyPath: f(`${name}.key`) });
  const signCsr = async (name: string, csrPem: string | undefined, issuer: Pick<KeyPair, 'certPath' | 'keyPath'>, ext: string[], days = DAYS): Promise<string> => {
    if (csrPem !== undefined) writeFileSync(f(`${name}.csr`), csrPem);
    writeFileSync(f(`${name}.ext`), [...ext, ''].join('\n'));
    await runOk(openssl, ['x509', '-req', '-in', f(`${name}.csr`), '-CA', issuer.certPath, '-CAkey', issuer.keyPath, '-set_serial', randomSerial(), '-days', days, '-extfile', f(`${name}.ext`), '-out', f(`${name}.pem`)]);
    return readFileSync(f(`${name}.pem`), 'utf8');
  };
  return {
    file: f,
    async selfSigned(name, subj) {
      await runOk(openssl, ['req', '-x509', ...EC, '-keyout', f(`${name}.key`), '-out', f(`${name}.pem`), '-days', DAYS, '-subj', subj, '-set_serial', randomSerial(),
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
      return read(name);
    },
    async issue(name, subj, issuer, ext, days = DAYS) {
      await runOk(openssl, ['req', ...EC, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', subj]);
      await signCsr(name, undefined, issuer, ext, days);
      return read(name);
    },
    signCsr: (name, csrPem, issuer, ext, days) => signCsr(name, csrPem, issuer, ext, days),
  };
}
