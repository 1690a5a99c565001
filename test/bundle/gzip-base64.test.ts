/**
 * The gz+b64 codec of cloud-config write_files: what it remembers must be exactly what decoding
 * gives, since the secret scanner trusts it instead of decoding (src/bundle/gzip-base64.ts).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGzipBase64, encodeGzipBase64 } from '../../src/bundle/gzip-base64.js';
import { scanText } from '../../src/security/scan-bundle.js';

const realDecode = (encoded: string): string => gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8');

describe('gz+b64 codec', () => {
  it('hands back exactly what a real decode gives, remembered or not, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const encoded = encodeGzipBase64(text);
        const expected = realDecode(encoded);
        expect(decodeGzipBase64(encoded)).toBe(expected); // remembered (or, for a lone surrogate, decoded)
        expect(decodeGzipBase64(encoded)).toBe(expected); // forgotten once decoded: the real decode
      }),
    );
  });

  it('decodes what it never encoded, and refuses what is not gzip', () => {
    // A member this module did not write (level 1), so nothing about it is remembered.
    const foreign = gzipSync(Buffer.from('echo foreign\n'), { level: 1 }).toString('base64');
    expect(decodeGzipBase64(foreign)).toBe('echo foreign\n');
    expect(() => decodeGzipBase64(Buffer.from('not gzip').toString('base64'))).toThrow();
  });

  it('the scanner still finds a secret inside a payload this process encoded', () => {
    const key = ['-----BEGIN', 'PRIVATE KEY-----'].join(' ');
    const cloudConfig = `#cloud-config\nwrite_files:\n  - path: "/x"\n    encoding: "gz+b64"\n    content: "${encodeGzipBase64(`#!/bin/bash\n${key}\n`)}"\n`;
    expect(scanText('user-data.yaml', cloudConfig)).toEqual([expect.objectContaining({ pattern: 'pem-private-key', line: 5 })]);
  });
});
