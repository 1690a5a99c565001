/**
 * Loads @peculiar/x509 (the X.509 library of the CA tooling) on first use, with Node's WebCrypto
 * as its crypto provider. Loaded lazily so that `validate` and `render` never pay for it, and so
 * that the `reflect-metadata` polyfill its dependency injection (tsyringe) requires is installed
 * only by the commands that make or read certificates.
 */
import { webcrypto } from 'node:crypto';

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
