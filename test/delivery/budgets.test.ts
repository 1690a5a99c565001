/**
 * Per-platform user-data budgets (cloud-init.md §1.7) and the payload sizes they are checked
 * against. The size table of every VM (raw and gzip -9) is printed for the record; the
 * assertions are the platform limits, and that the default example's cloud-init user data fits
 * EC2's 16 KiB raw (the bootstrap travels gzipped inside write_files: docs/payload.md, "Size").
 */
import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { userDataBudget, METADATA } from '../../src/platforms/facts.js';
import { fitPayload } from '../../src/delivery/fit-payload.js';
import { PAYLOAD_FILE } from '../../src/bundle/layout.js';
import type { PlatformModel } from '../../src/model/model.js';
import { corpus } from './helpers/corpus.js';

const platform = (kind: PlatformModel['kind'], delivery: PlatformModel['delivery']): PlatformModel =>
  ({ name: 'p', kind, delivery, bake: false, targets: { os: ['debian-12'], arch: ['amd64'] }, pairs: [{ os: 'debian-12', arch: 'amd64' }], formats: ['deb'], attestation: { type: 'gcp_iit', projectIds: [] }, pointer: '/platforms/0' }) as PlatformModel;

describe('platform facts', () => {
  it('has the documented byte budgets', () => {
    expect(userDataBudget('aws', 'cloud-init')?.bytes).toBe(16384);
    expect(userDataBudget('azure', 'cloud-init')?.bytes).toBe(65535);
    expect(userDataBudget('gcp', 'startup-script')?.bytes).toBe(262144);
    expect(userDataBudget('gcp', 'cloud-init')?.bytes).toBe(262144);
    expect(userDataBudget('onprem', 'shell')).toBeUndefined();
    expect(userDataBudget('baremetal', 'shell')).toBeUndefined();
  });

  it('keeps the metadata endpoints as constants (IMDSv2 on AWS)', () => {
    expect(METADATA.aws.base).toBe('http://169.254.169.254');
    expect(METADATA.aws.tokenPath).toBe('/latest/api/token');
    expect(METADATA.gcp.base).toBe('http://metadata.google.internal');
    expect(METADATA.gcp.header).toBe('Metadata-Flavor: Google');
    expect(METADATA.azure.header).toBe('Metadata: true');
  });
});

describe('fitPayload', () => {
  it('keeps a payload within the limit raw, stores it compressed when only that fits, errors when nothing fits', () => {
    const p = platform('aws', 'cloud-init');
    const exact = 'x'.repeat(16384);
    expect(fitPayload(exact, p, '/w', 'w')).toEqual({ name: 'user-data.yaml', content: exact, diagnostics: [] });
    const text = 'a line of shell\n'.repeat(2000);
    const compressible = fitPayload(text, p, '/w', 'w');
    expect(compressible.name).toBe('user-data.yaml.gz');
    expect(compressible.content.length).toBeLessThanOrEqual(16384);
    expect(gunzipSync(compressible.content).toString('utf8')).toBe(text);
    expect(compressible.diagnostics.map((d) => [d.severity, d.code, d.pointer])).toEqual([['info', 'PAYLOAD_GZIP_REQUIRED', '/w']]);
    expect(compressible.diagnostics[0]!.message).toMatch(/^the w\/p payload is 32,000 bytes raw, over the 16,384 bytes limit of EC2 UserData \(counted before base64\), so the bundle holds it as user-data\.yaml\.gz \(\d+ bytes\), which cloud-init decompresses/);
    let seed = 1;
    const noise = Array.from({ length: 40000 }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join('');
    const tooBig = fitPayload(noise, p, '/w', 'w');
    expect(tooBig.diagnostics.map((d) => [d.severity, d.code, d.pointer])).toEqual([['error', 'USERDATA_TOO_LARGE', '/w']]);
    expect(tooBig.diagnostics[0]!.message).toMatch(/is 40,000 bytes raw and [\d,]+ bytes gzipped; EC2 UserData \(counted before base64\) allows at most 16,384 bytes\. Make the payload smaller/);
    // GCE user-data is text: compressed means gzip+base64 (with user-data-encoding: base64).
    const gce = fitPayload('a line of shell\n'.repeat(20000), platform('gcp', 'cloud-init'), '/w', 'w');
    expect(gce.name).toBe('user-data.yaml.gz.b64');
    expect(gunzipSync(Buffer.from(Buffer.from(gce.content).toString('latin1'), 'base64')).length).toBe(320000);
    // A startup-script is run as is: gzip cannot help there.
    expect(fitPayload('a line of shell\n'.repeat(20000), platform('gcp', 'startup-script'), '/w', 'w').diagnostics.map((d) => d.code)).toEqual(['USERDATA_TOO_LARGE']);
    expect(fitPayload('x'.repeat(300000), platform('onprem', 'shell'), '/w', 'w').diagnostics).toEqual([]);
  });
});

describe('payload sizes', () => {
  it('every payload fits its platform (gzipped where the platform accepts gzip); the table is printed', async () => {
    const rows: string[] = [];
    for (const c of await corpus()) {
      const f = c.payload.files.find((x) => x.name === PAYLOAD_FILE[c.vm.platform.delivery])!;
      const raw = Buffer.byteLength(f.content);
      const gz = gzipSync(f.content, { level: 9 }).length;
      rows.push(`${c.id.padEnd(48)} ${f.name.padEnd(18)} raw ${String(raw).padStart(6)}  gzip ${String(gz).padStart(5)}`);
      expect(c.payload.diagnostics.filter((d) => d.severity === 'error'), c.id).toEqual([]);
      const budget = userDataBudget(c.vm.platform.kind, c.vm.platform.delivery);
      if (budget) expect(budget.gzipAllowed ? gz : raw, c.id).toBeLessThanOrEqual(budget.bytes);
    }
    console.log(rows.join('\n'));
    const quick = (await corpus()).filter((c) => c.id.startsWith('quickstart/') && c.vm.platform.delivery === 'cloud-init');
    for (const c of quick) {
      const ud = c.payload.files.find((x) => x.name === 'user-data.yaml')!.content;
      expect(Buffer.byteLength(ud), c.id).toBeLessThanOrEqual(16 * 1024);
      // A guard against growth, not a platform limit (that is the raw 16 KiB above). Raised from 9.5 KiB
      // when the SVID retry, restart queue, file-secret checks and the collector's SVID copy landed
      // (issues 13-15, 18): 10.1 KiB then; docs/performance.md tracks the 8 KiB target.
      expect(gzipSync(ud, { level: 9 }).length, c.id).toBeLessThanOrEqual(11 * 1024);
    }
  });
});
