/**
 * Pending restarts survive a failed run (issue 14 §2): packages and configs that a run installed
 * or placed before it failed are not touched by the re-run, so the units they queued are kept in
 * /var/lib/vmonboard/restart until they are active, and the payload marker comes last.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { goldenModel } from '../helpers/golden-cases.js';
import { createSandbox, type Sandbox } from './helpers/sandbox.js';
import { withSandboxArtifacts } from './helpers/artifacts.js';
import { firstVm } from './helpers/corpus.js';
import { callsOf, createSdsSocket, runPayload } from './helpers/run-payload.js';
import type { VmInputs } from '../../src/delivery/bootstrap.js';

const UNITS = ['spire-agent.service', 'istio.service', 'otelcol-contrib.service'];
/** Every unit the aws-cloudinit payload restarts on a fresh VM, in start order. */
const QUEUED = [...UNITS, 'vmonboard-svid-sync.service', 'vmonboard-svid-sync.timer'];

let sb: Sandbox;
afterEach(() => sb?.cleanup());

async function freshVm(name: string): Promise<VmInputs> {
  sb = createSandbox();
  createSdsSocket(sb);
  return firstVm(withSandboxArtifacts(sb, await goldenModel(name)));
}

function restarts(s: Sandbox): string[] {
  return callsOf(s, 'systemctl').filter((a) => a[0] === 'restart').flatMap((a) => a.slice(2));
}

const pending = (): string[] => (sb.read('/var/lib/vmonboard/restart') ?? '').split('\n').filter(Boolean);

describe('a run that fails after installing and placing', () => {
  it('keeps its restarts for the re-run, which starts all three units and only then marks the payload', async () => {
    const vm = await freshVm('aws-cloudinit');
    // The fault: systemctl fails, after every package is installed and every config placed.
    const first = await runPayload(sb, vm, 'full', { SHIM_RC_systemctl: '1' });
    expect(first.code, first.output).not.toBe(0);
    expect(first.output).toMatch(/placed \/etc\/spire\/agent\/agent\.conf/);
    expect(new Set(pending())).toEqual(new Set(QUEUED));
    expect(existsSync(join(sb.root, 'var/lib/vmonboard/payload'))).toBe(false);

    sb.resetCalls();
    const again = await runPayload(sb, vm);
    expect(again.code, again.output).toBe(0);
    // Nothing left to install or place, yet every queued unit restarts, in start order.
    expect(callsOf(sb, 'apt-get').filter((a) => a.includes('install'))).toEqual([]);
    expect(again.output).not.toMatch(/placed /);
    expect(restarts(sb)).toEqual(QUEUED);
    // Cleared only after the units were seen active (no job, is-active), before the marker.
    const sys = callsOf(sb, 'systemctl');
    const lastProbe = sys.map((a) => a.join(' ')).lastIndexOf(`is-active --quiet ${UNITS.at(-1)}`);
    expect(sys.slice(sys.findIndex((a) => a[0] === 'restart')).some((a) => a[0] === 'show' && a.includes('Job'))).toBe(true);
    expect(lastProbe).toBeGreaterThan(sys.findIndex((a) => a[0] === 'restart'));
    // Oneshots a timer triggers are restarted but never awaited: they are inactive once done.
    const probed = sys.filter((a) => a[0] === 'is-active').map((a) => a.at(-1));
    expect(probed.slice(0, UNITS.length)).toEqual(UNITS);
    expect(probed.filter((u) => u!.startsWith('vmonboard-svid-sync'))).toEqual([]);
    expect(existsSync(join(sb.root, 'var/lib/vmonboard/restart'))).toBe(false);
    expect(sb.read('/var/lib/vmonboard/payload')).toBe(`${again.boot.payloadHash}\n`);

    sb.resetCalls();
    const third = await runPayload(sb, vm);
    expect(third.output).toContain('already applied; nothing to do');
    expect(sb.calls()).toEqual([]);
  });

  it('does not mark the payload while a restarted unit is not active, and keeps its restart', async () => {
    const vm = await freshVm('aws-cloudinit');
    const r = await runPayload(sb, vm, 'full', { SHIM_RC_is_active: '3', VMONBOARD_UNITS_WAIT: '0' });
    expect(r.code, r.output).not.toBe(0);
    expect(r.output).toContain('did not become active; the next run restarts them again');
    expect(new Set(pending())).toEqual(new Set(QUEUED));
    expect(existsSync(join(sb.root, 'var/lib/vmonboard/payload'))).toBe(false);
    expect(JSON.parse(sb.read('/var/lib/vmonboard/status.json')!)).toMatchObject({ state: 'failed', step: 'start' });
  });
});
