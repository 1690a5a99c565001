/**
 * cluster/offboard/: per workload × platform, for every attestor kind, a script that bash and
 * shellcheck accept, that finds agents by the placement's alias selectors (or, for join tokens,
 * by the alias entry), evicts exactly the agent it is given, and refuses an agent ID of another
 * attestor. Run against a recording kubectl on PATH, so what it would execute is asserted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenBundle, goldenCases, goldenModel } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';
import { listOffboardPlans, listOffboardScripts } from '../../src/cluster/offboard.js';
import { renderOffboardScript } from '../../src/cluster/offboard-script.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-offboard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A kubectl that records its argv (one line per call, words joined by |) and answers `get` calls. */
function fakeKubectl(answers: { workloadEntries?: string[]; address?: string } = {}): { dir: string; log: string } {
  const dir = mkdtempSync(join(root, 'bin-'));
  const log = join(dir, 'calls.log');
  writeFileSync(
    join(dir, 'kubectl'),
    [
      '#!/usr/bin/env bash',
      `(IFS='|'; echo "$*") >> ${JSON.stringify(log)}`,
      'case "$*" in',
      `  *"get workloadentries"*) printf '%s\\n' ${(answers.workloadEntries ?? []).map((w) => JSON.stringify(w)).join(' ')} ;;`,
      `  *"get workloadentry.networking.istio.io/we-a "*) printf '%s' ${JSON.stringify(answers.address ?? '')} ;;`,
      `  *"get workloadentry.networking.istio.io/we-b "*) printf '%s' '10.9.9.9' ;;`,
      'esac',
    ].join('\n'),
  );
  chmodSync(join(dir, 'kubectl'), 0o755);
  writeFileSync(log, '');
  return { dir, log };
}

function run(script: string, args: string[], kubectl: { dir: string; log: string }): { code: number; calls: string[]; stderr: string } {
  const file = join(root, `s-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script, { mode: 0o755 });
  const r = spawnSync('bash', [file, ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${kubectl.dir}:${process.env.PATH}` } });
  return { code: r.status ?? -1, calls: readFileSync(kubectl.log, 'utf8').split('\n').filter(Boolean), stderr: r.stderr };
}

describe.each(goldenCases())('golden case %s', (name) => {
  it('has one offboarding script per workload × platform, accepted by bash -n and shellcheck, and a README', async () => {
    const [model, bundle] = await Promise.all([goldenModel(name), goldenBundle(name)]);
    const plans = listOffboardPlans(model);
    expect(plans.length).toBe(model.workloads.reduce((n, w) => n + w.placements.length, 0));
    expect(bundle.get('cluster/offboard/README.md')).toBeDefined();
    const sc = requireExecutable('shellcheck', 'shellcheck');
    for (const p of plans) {
      const f = bundle.get(p.file);
      expect(f, p.file).toBeDefined();
      expect(f!.mode).toBe(0o755);
      const path = join(root, `${name}-${p.workload}-${p.platform}.sh`);
      writeFileSync(path, f!.content as string);
      execFileSync('bash', ['-n', path]);
      execFileSync(sc, ['-S', 'warning', '-s', 'bash', path]);
    }
  });

  it('lists the same scripts, in the same order, without their steps for the READMEs (listOffboardScripts)', async () => {
    const model = await goldenModel(name);
    expect(listOffboardScripts(model)).toEqual(listOffboardPlans(model).map(({ steps: _steps, ...script }) => script));
  });
});

describe('every attestor kind', () => {
  it('covers aws_iid, gcp_iit, azure_imds, x509pop and join_token across the golden cases', async () => {
    const seen = new Set<string>();
    for (const name of goldenCases()) for (const p of listOffboardPlans(await goldenModel(name))) seen.add(p.attestor);
    expect([...seen].sort()).toEqual(['aws_iid', 'azure_imds', 'gcp_iit', 'join_token', 'x509pop']);
  });

  it.each(goldenCases())('%s: `agents` lists by every alias selector (or the alias entry for join tokens); vm-gone evicts exactly the given agent', async (name) => {
    const [model, bundle] = await Promise.all([goldenModel(name), goldenBundle(name)]);
    for (const p of listOffboardPlans(model)) {
      const script = bundle.get(p.file)!.content as string;
      const placement = model.workloads.find((w) => w.name === p.workload)!.placements.find((x) => x.platform === p.platform)!;
      const k = fakeKubectl();
      const listed = run(script, ['agents'], k);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.calls).toHaveLength(1);
      if (p.attestor === 'join_token') {
        expect(listed.calls[0]).toContain(`|entry|show|-spiffeID|${placement.nodeAliasId}`);
      } else {
        expect(listed.calls[0]).toContain('|agent|list|');
        for (const s of placement.spireSelectors) expect(listed.calls[0]).toContain(`|-selector|${s}`);
      }
      const id = p.agentIdForm.replace(/<[^>]+>/g, 'x1');
      const k2 = fakeKubectl({ workloadEntries: ['workloadentry.networking.istio.io/we-a', 'workloadentry.networking.istio.io/we-b'], address: '10.0.0.7' });
      const gone = run(script, ['vm-gone', id, '10.0.0.7'], k2);
      expect(gone.code, gone.stderr).toBe(0);
      expect(gone.calls.filter((c) => c.includes('|agent|evict|'))).toEqual([expect.stringMatching(new RegExp(`\\|agent\\|evict\\|-spiffeID\\|${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`))]);
      if (model.flavor === 'istio') {
        // Only the WorkloadEntry whose spec.address is the VM's goes.
        expect(gone.calls.filter((c) => c.includes('|delete|'))).toEqual([`-n|${p.namespace}|delete|workloadentry.networking.istio.io/we-a`]);
      }
    }
  });

  it('refuses an agent ID of another attestor or trust domain, and a non-IP address, before calling kubectl', async () => {
    const [model, bundle] = await Promise.all([goldenModel('aws-cloudinit'), goldenBundle('aws-cloudinit')]);
    const p = listOffboardPlans(model)[0]!;
    const script = bundle.get(p.file)!.content as string;
    for (const args of [
      ['vm-gone', `spiffe://${model.mesh.trustDomain}/spire/agent/join_token/abc`, '10.0.0.1'],
      ['vm-gone', 'spiffe://other.org/spire/agent/aws_iid/1/2/3', '10.0.0.1'],
      ['vm-gone', p.agentIdForm.replace(/<[^>]+>/g, 'x'), '10.0.0.1; rm -rf /'],
      ['vm-gone'],
      ['bogus'],
    ]) {
      const k = fakeKubectl();
      const r = run(script, args, k);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.calls).toEqual([]);
    }
  });

  it('quotes the agent ID form in its refusal message for the shell (shq), so nothing in it is expanded', async () => {
    const model = await goldenModel('aws-cloudinit');
    const p = listOffboardPlans(model)[0]!;
    // A form the schema's patterns never produce, to prove the quoting: a double-quoted one would run the $(...).
    const hostile = { ...p, agentIdForm: `${p.agentIdForm.slice(0, p.agentIdForm.indexOf('<'))}$(echo EXPANDED)\`echo TICKS\`<INSTANCE_ID>` };
    const r = run(renderOffboardScript(model, hostile), ['vm-gone', 'spiffe://wrong/x', '10.0.0.1'], fakeKubectl());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('$(echo EXPANDED)`echo TICKS`<INSTANCE_ID>');
    expect(r.stderr).not.toMatch(/EXPANDED<|TICKS</);
  });

  it('join-token placements delete the alias entries they are given after checking; gloo deletes the ExternalWorkload', async () => {
    const [model, bundle] = await Promise.all([goldenModel('baremetal-jointoken'), goldenBundle('baremetal-jointoken')]);
    const p = listOffboardPlans(model).find((x) => x.attestor === 'join_token')!;
    const r = run(bundle.get(p.file)!.content as string, ['placement-removed', 'e-1', 'e-2'], fakeKubectl());
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls.filter((c) => c.includes('|entry|delete|'))).toEqual([expect.stringMatching(/\|-entryID\|e-1$/), expect.stringMatching(/\|-entryID\|e-2$/)]);
    const [gm, gb] = await Promise.all([goldenModel('gloo-onprem'), goldenBundle('gloo-onprem')]);
    const gp = listOffboardPlans(gm)[0]!;
    const g = run(gb.get(gp.file)!.content as string, ['placement-removed'], fakeKubectl());
    expect(g.calls).toEqual([`-n|${gp.namespace}|delete|externalworkload|${gp.workload}`]);
  });
});
