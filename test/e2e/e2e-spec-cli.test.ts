/**
 * `npm run e2e:spec` refuses what it cannot boot before building anything: no arguments (usage),
 * a workload × platform the spec does not place (the VMs it has are listed), a plain workload
 * name two namespaces have (WORKLOAD_AMBIGUOUS, as `vmonboard userdata`), a spec that does
 * not validate. Exit 2, and the last line still says `N passed, N failed` where a boot was asked
 * for. The booting runs are in docs/e2e.md; spec-scenarios.test.ts boots through the same code.
 */
import { describe, expect, it } from 'vitest';
import { runE2eSpec } from './harness/run-e2e-spec.js';

const cli = (...args: string[]) => runE2eSpec(args);

describe('npm run e2e:spec: refusals', () => {
  it('prints the usage and exits 2 without a spec, workload and platform', () => {
    const r = cli('examples/quickstart.yaml', '--workload', 'ratings');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run e2e:spec -- <spec\.yaml> --workload <name> --platform <name> \[--os debian-12\]/);
  });

  it('names the VMs the spec has when asked for one it does not place', () => {
    const r = cli('examples/quickstart.yaml', '--workload', 'reviews', '--platform', 'gcp-prod');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/places no workload "reviews" on platform "gcp-prod".*--workload ratings --platform gcp-prod/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('takes --workload as <namespace>/<name>, and refuses a plain name two namespaces have as the CLI does (WORKLOAD_AMBIGUOUS)', () => {
    // examples/fleet.yaml has `api` in namespaces payments and search (issue 16 §2).
    const r = cli('examples/fleet.yaml', '--workload', 'api', '--platform', 'aws-prod');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('e2e:spec: error[WORKLOAD_AMBIGUOUS]: workload "api" is in 2 namespaces (did you mean "payments/api" or "search/api"?); name one as <namespace>/<name>');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
    // A qualified name in the wrong place is an unknown VM, listed with the arguments that name each.
    const q = cli('examples/fleet.yaml', '--workload', 'search/api', '--platform', 'rack1');
    expect(q.status).toBe(2);
    expect(q.stderr).toMatch(/places no workload "search\/api" on platform "rack1"; it has: --workload payments\/api --platform aws-prod, .*--workload search\/api --platform aws-prod, .*--workload payments-db --platform rack1/);
  });

  it('reports a spec that does not validate', () => {
    const r = cli('test/e2e/fixtures/e2e-spec/no-such-spec.yaml', '--workload', 'a', '--platform', 'b');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/e2e:spec: .*no-such-spec\.yaml/);
  });
});
