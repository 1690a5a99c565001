/**
 * CA key pairs with Node's own crypto (WebCrypto for signing, KeyObject for PEM and checks).
 * Private keys leave this module only as PKCS#8 PEM text for files written 0600.
 */
import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import type { KeyType } from './profiles.js';

type CryptoKeyT = webcrypto.CryptoKey;

/** A generated or imported key pair with the WebCrypto algorithm it signs with. */
export interface CaKeyPair {
  privateKey: CryptoKeyT;
  publicKey: CryptoKeyT;
  /** The WebCrypto algorithm for signatures made with this key (hash included). */
  signingAlgorithm: RsaHashedImportParams | EcdsaParams;
}

interface RsaHashedImportParams {
  name: 'RSASSA-PKCS1-v1_5';
  hash: string;
}
interface EcdsaParams {
  name: 'ECDSA';
  hash: string;
}

function algorithmFor(type: KeyType): { gen: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams; sign: CaKeyPair['signingAlgorithm'] } {
  switch (type) {
    case 'ec-p256':
      return { gen: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } };
    case 'ec-p384':
      return { gen: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } };
    default: {
      const bits = Number(type.slice('rsa-'.length));
      // sha256 as common.mk's `default_md = sha256`.
      return { gen: { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } };
    }
  }
}

/** Generates a fresh key pair of the given type (extractable, so its PEM can be written once). */
export async function generateCaKey(type: KeyType): Promise<CaKeyPair> {
  const { gen, sign } = algorithmFor(type);
  const pair = (await webcrypto.subtle.generateKey(gen, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, signingAlgorithm: sign };
}

/** PKCS#8 PEM of a private key, the format `openssl genpkey` writes and SPIRE's pemutil reads. */
export async function exportPrivateKeyPem(key: CryptoKeyT): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** Reads a PEM private key (PKCS#8, PKCS#1 or SEC1) as a KeyObject, or returns why it cannot. */
export function readPrivateKeyPem(pem: string): KeyObject | string {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    return (err as Error).message;
  }
}

/** True when a private key is the partner of a public key (their SubjectPublicKeyInfo DER is equal). */
export function keysMatch(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const a = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const b = publicKey.export({ type: 'spki', format: 'der' });
  return Buffer.compare(a, b) === 0;
}
