/**
 * Per-platform user-data budgets (cloud-init.md §1.7) and the payload sizes they are checked
 * against. The size table of every VM (raw and gzip -9) is printed for the record; the
 * assertions are the platform limits, and that the default example's cloud-init user data fits
 * EC2's 16 KiB raw (the bootstrap travels gzipped inside write_files: docs/payload.md, "Size").
 */
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { userDataBudget, METADATA } from '../../src/platforms/facts.js';
import { checkBudget } from '../../src/delivery/payloads.js';
import { PAYLOAD_FILE } from '../../src/delivery/layout.js';
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

describe('checkBudget', () => {
  it('says nothing within the limit, notes gzip when only gzip fits, errors when nothing fits', () => {
    const p = platform('aws', 'cloud-init');
    expect(checkBudget('x'.repeat(16384), p, '/w', 'w/p')).toEqual([]);
    const compressible = checkBudget('a line of shell\n'.repeat(2000), p, '/w', 'w/p');
    expect(compressible.map((d) => [d.severity, d.code])).toEqual([['warning', 'PAYLOAD_GZIP_REQUIRED']]);
    let seed = 1;
    const noise = Array.from({ length: 40000 }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join('');
    const tooBig = checkBudget(noise, p, '/w', 'w/p');
    expect(tooBig.map((d) => [d.severity, d.code, d.pointer])).toEqual([['error', 'USERDATA_TOO_LARGE', '/w']]);
    // A startup-script is run as is: gzip cannot help there.
    expect(checkBudget('a line of shell\n'.repeat(20000), platform('gcp', 'startup-script'), '/w', 'w/p').map((d) => d.code)).toEqual(['USERDATA_TOO_LARGE']);
    expect(checkBudget('x'.repeat(300000), platform('onprem', 'shell'), '/w', 'w/p')).toEqual([]);
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
