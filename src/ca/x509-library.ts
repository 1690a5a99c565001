/**
 * Loads @peculiar/x509 (the X.509 library of the CA tooling) on first use, with Node's WebCrypto
 * as its crypto provider. Loaded lazily so that `validate` and `render` never pay for it, and so
 * that the `reflect-metadata` polyfill its dependency injection (tsyringe) requires is installed
 * only by the commands that make or read certificates.
 */
import { webcrypto } from 'node:crypto';
import type { KeyUsageName } from './profiles.js';

/** The @peculiar/x509 module. */
export type X509Module = typeof import('@peculiar/x509');

let loaded: Promise<X509Module> | undefined;

/** Returns @peculiar/x509, set up to use Node's WebCrypto (no network, no native add-on). */
export function loadX509(): Promise<X509Module> {
  loaded ??= (async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<X509Module['cryptoProvider']['set']>[0]);
    return x509;
  })();
  return loaded;
}

/** The library's keyUsage bit of each key usage name (one table for minting and for reading). */
export function keyUsageFlags(x: X509Module): Record<KeyUsageName, number> {
  return {
    digitalSignature: x.KeyUsageFlags.digitalSignature,
    nonRepudiation: x.KeyUsageFlags.nonRepudiation,
    keyEncipherment: x.KeyUsageFlags.keyEncipherment,
    dataEncipherment: x.KeyUsageFlags.dataEncipherment,
    keyAgreement: x.KeyUsageFlags.keyAgreement,
    keyCertSign: x.KeyUsageFlags.keyCertSign,
    cRLSign: x.KeyUsageFlags.cRLSign,
  };
}
