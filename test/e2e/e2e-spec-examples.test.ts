/**
 * `npm run e2e:spec` from the command line, on a spec written as a user would (issue 20): each
 * delivery of examples/fleet.yaml boots on the e2e rootfs and every check passes. The fleet is
 * the example that exercises what the fixture spec does not: its own trust domain
 * (corp.example.com, so the run's mesh PKI and SPIRE server follow the spec), per-OS target lists
 * without the container's OS (e2e:spec adds it and says so), a workload name two namespaces share
 * (`--workload payments/api`), x509pop with the spec's CN and a DNS-named gateway.
 * examples/quickstart.yaml's deliveries boot through the same code in spec-scenarios.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runE2eSpec } from './harness/run-e2e-spec.js';

const DELIVERIES: Array<{ workload: string; platform: string; delivery: string; notes: RegExp[] }> = [
  { workload: 'payments/api', platform: 'aws-prod', delivery: 'cloud-init', notes: [/targets\.os: amazonlinux-2023, ubuntu-24\.04 \+ debian-12 \(--os debian-12/] },
  { workload: 'payments/api', platform: 'gcp-prod', delivery: 'startup-script', notes: [] },
  { workload: 'payments-db', platform: 'rack1', delivery: 'shell', notes: [/x509pop\.caBundle: the run's site CA/] },
];

describe('npm run e2e:spec boots each delivery of examples/fleet.yaml', () => {
  for (const d of DELIVERIES) {
    it(`${d.workload} on ${d.platform} (${d.delivery})`, () => {
      const r = runE2eSpec(['examples/fleet.yaml', '--workload', d.workload, '--platform', d.platform], 900_000);
      const lines = r.stdout.trim().split('\n');
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(lines[0]).toContain(`(${d.delivery}, `);
      expect(lines.at(-1)).toMatch(/^(\d+) passed, 0 failed$/);
      expect(Number(/^(\d+) passed/.exec(lines.at(-1)!)![1])).toBeGreaterThanOrEqual(12);
      expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
      // The node alias of the spec's own trust domain was the one attested.
      expect(r.stdout).toMatch(/matched the alias spiffe:\/\/corp\.example\.com\/vmonboard\/node\//);
      for (const n of d.notes) expect(r.stdout).toMatch(n);
    }, 900_000);
  }
});
