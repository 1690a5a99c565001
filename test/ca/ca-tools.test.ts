/**
 * `vmonboard ca init` never loses a key (0600, O_EXCL, all-or-nothing, never into a bundle) and
 * `ca check` reports each broken property of a CA directory at the file and line it is about.
 * The chains themselves are judged by Go and OpenSSL in test/trust.
 */
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCaDir } from '../../src/ca/init-ca.js';
import { checkCaDir } from '../../src/ca/check-ca.js';
import { CA_FILES, CA_KEY_FILES } from '../../src/ca/ca-layout.js';
import { CaWriteError } from '../../src/ca/write-ca-files.js';
import { readCaFacts } from '../../src/ca/cert-facts.js';
import type { Model } from '../../src/model/model.js';

let dir = '';
let ca = '';
const model = (root: string): Model => ({ trust: { meshRootCA: { kind: 'inline', content: root, file: 'mesh-root-ca.pem' } } }) as unknown as Model;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vmonboard-ca-'));
  ca = join(dir, 'ca');
  await initCaDir(ca, { keyType: 'ec-p256' });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ca init', () => {
  it('writes the layout the cluster README reads; keys 0600, certificates 0644', () => {
    for (const f of Object.values(CA_FILES)) {
      const mode = statSync(join(ca, f)).mode & 0o777;
      expect(mode, f).toBe(CA_KEY_FILES.includes(f) ? 0o600 : 0o644);
    }
    const root = readFileSync(join(ca, CA_FILES.rootCert), 'utf8');
    expect(readFileSync(join(ca, CA_FILES.spireBundle), 'utf8')).toBe(root);
    expect(readFileSync(join(ca, CA_FILES.istiodChain), 'utf8')).toBe(readFileSync(join(ca, CA_FILES.istiodCert), 'utf8') + root);
  });

  it('gives the SPIRE intermediate no path length and SPIRE\'s CA key usages; the istiod one Istio\'s pathlen:0', async () => {
    const spire = await readCaFacts(readFileSync(join(ca, CA_FILES.spireCert), 'utf8'));
    expect(spire).toMatchObject({ isCA: true, keyUsages: ['keyCertSign', 'cRLSign'] });
    expect(spire.pathLength).toBeUndefined();
    const istiod = await readCaFacts(readFileSync(join(ca, CA_FILES.istiodCert), 'utf8'));
    expect(istiod).toMatchObject({ isCA: true, pathLength: 0, keyUsages: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign'] });
  });

  it('refuses to overwrite any existing file, before writing anything', async () => {
    const before = readFileSync(join(ca, CA_FILES.rootKey));
    await expect(initCaDir(ca, { keyType: 'ec-p256' })).rejects.toThrow(CaWriteError);
    expect(readFileSync(join(ca, CA_FILES.rootKey))).toEqual(before);
    const partial = join(dir, 'partial');
    await initCaDir(join(partial), { keyType: 'ec-p256' });
    rmSync(join(partial, CA_FILES.rootKey));
    const spireKey = readFileSync(join(partial, CA_FILES.spireKey));
    await expect(initCaDir(partial, { keyType: 'ec-p256' })).rejects.toThrow(/refusing to overwrite/);
    expect(() => statSync(join(partial, CA_FILES.rootKey))).toThrow(); // nothing written
    expect(readFileSync(join(partial, CA_FILES.spireKey))).toEqual(spireKey);
  });

  it('refuses a bundle directory and settings that cannot work', async () => {
    const bundle = join(dir, 'bundle');
    await initCaDir(join(bundle, 'x'), { keyType: 'ec-p256' }).catch(() => undefined);
    writeFileSync(join(bundle, 'MANIFEST.json'), '{}');
    await expect(initCaDir(bundle, { keyType: 'ec-p256' })).rejects.toThrow(/holds a vmonboard bundle/);
    await expect(initCaDir(join(dir, 'pl0'), { keyType: 'ec-p256', spirePathLength: 0 })).rejects.toThrow(/path length of at least 1/);
    await expect(initCaDir(join(dir, 'ku'), { keyType: 'ec-p256', spireKeyUsages: ['cRLSign'] })).rejects.toThrow(/keyCertSign/);
  });
});

describe('ca check', () => {
  const root = (): string => readFileSync(join(ca, CA_FILES.rootCert), 'utf8');

  it('accepts what ca init wrote', async () => {
    expect((await checkCaDir(model(root()), ca)).diagnostics).toEqual([]);
  });

  it('finds a reversed cert-chain.pem, a key of another certificate, a world-readable key, each at its file', async () => {
    const d = join(dir, 'broken');
    await initCaDir(d, { keyType: 'ec-p256' });
    const r = readFileSync(join(d, CA_FILES.rootCert), 'utf8');
    writeFileSync(join(d, 'istiod/cert-chain.reversed'), r + readFileSync(join(d, CA_FILES.istiodCert), 'utf8'));
    rmSync(join(d, CA_FILES.istiodChain));
    copyFileSync(join(d, 'istiod/cert-chain.reversed'), join(d, CA_FILES.istiodChain));
    rmSync(join(d, CA_FILES.spireKey));
    copyFileSync(join(d, CA_FILES.istiodKey), join(d, CA_FILES.spireKey));
    chmodSync(join(d, CA_FILES.rootKey), 0o644);
    const found = (await checkCaDir(model(r), d)).diagnostics.map((x) => [x.code, x.file!.slice(d.length + 1), x.line]);
    expect(found).toEqual(expect.arrayContaining([
      ['CA_CHAIN_ORDER', CA_FILES.istiodChain, 1],
      ['CA_KEY_MISMATCH', CA_FILES.spireKey, 1],
      ['CA_KEY_PERMISSIONS', CA_FILES.rootKey, 1],
    ]));
    expect(found).toHaveLength(3);
  });

  it('another mesh root: every chain is broken and every root file mismatches', async () => {
    const other = join(dir, 'other');
    await initCaDir(other, { keyType: 'ec-p256' });
    const codes = (await checkCaDir(model(readFileSync(join(other, CA_FILES.rootCert), 'utf8')), ca)).diagnostics.map((x) => `${x.code} ${x.file!.slice(ca.length + 1)}`).sort();
    expect(codes).toEqual([`CA_CHAIN_BROKEN ${CA_FILES.istiodChain}`, `CA_CHAIN_BROKEN ${CA_FILES.spireCert}`, `CA_ROOT_MISMATCH ${CA_FILES.istiodRoot}`, `CA_ROOT_MISMATCH ${CA_FILES.rootCert}`, `CA_ROOT_MISMATCH ${CA_FILES.spireBundle}`]);
  });

  it('warns under 30 days before expiry and fails after it', async () => {
    const soon = new Date(Date.now() + (3650 - 10) * 86_400_000);
    const w = (await checkCaDir(model(root()), ca, soon)).diagnostics;
    expect(w.every((x) => x.code === 'CA_EXPIRING' && x.severity === 'warning')).toBe(true);
    expect(w.length).toBeGreaterThan(0);
    const late = new Date(Date.now() + 3651 * 86_400_000);
    expect((await checkCaDir(model(root()), ca, late)).diagnostics.some((x) => x.code === 'CA_EXPIRED' && x.severity === 'error')).toBe(true);
  });
});
