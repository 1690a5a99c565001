/**
 * Terminal conventions (issue 17 §10): render progress on stderr only on a terminal and only for
 * more than 100 VMs; diagnostics coloured on a terminal, with NO_COLOR and FORCE_COLOR honoured;
 * every command's help names exit code 5 and the lock-file default for a spec on stdin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { shouldColor } from '../../src/cli/color.js';
import { createRenderProgress, formatRenderProgress } from '../../src/cli/render-progress.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';
import { runInProcess } from './cli-io.js';
// @ts-expect-error -- plain .mjs bench helper without types
import { writeFleetSpec } from '../../bench/fleet-spec.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'vmonboard-terminal-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function runWith(args: string[], tty: { isTTY: boolean; color?: boolean }): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: CliIO = { stdout: { write: () => true }, stderr: { write: (c) => ((stderr += String(c)), true) }, readStdin: async () => '', ...tty };
  return { code: await runCli(['node', 'vmonboard', ...args], io), stderr };
}

describe('render progress', () => {
  it('draws [done/total] namespace/workload platform lines on a terminal for a fleet of more than 100 VMs, and clears the line', async () => {
    const spec = await writeFleetSpec(join(scratch, 'fleet'), 40); // 40 workloads × 4 platforms = 160 VMs
    const tty = await runWith(['render', spec, '-o', join(scratch, 'out-tty')], { isTTY: true });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toMatch(/\r\x1b\[2K\[160\/160\] [a-z0-9-]+\/[a-z0-9-]+ [a-z0-9-]+/);
    expect(tty.stderr).toMatch(/\r\x1b\[2K(?!\[)/); // cleared before the summary line
    const pipe = await runWith(['render', spec, '-o', join(scratch, 'out-pipe')], { isTTY: false });
    expect(pipe.code).toBe(0);
    expect(pipe.stderr).not.toContain('\r');
    expect(pipe.stderr).not.toMatch(/\[\d+\/160\]/);
  });

  it('stays silent for 100 VMs or fewer, and throttles redraws', () => {
    const out: string[] = [];
    const vm = { workload: { name: 'api', namespace: 'payments' }, placement: { platform: 'gcp-prod' } } as Parameters<typeof formatRenderProgress>[2];
    expect(formatRenderProgress(412, 900, vm)).toBe('[412/900] payments/api gcp-prod');
    const small = createRenderProgress((s) => out.push(s), true)!;
    for (let i = 1; i <= 100; i++) small.update(i, 100, vm);
    small.finish();
    expect(out).toEqual([]);
    const big = createRenderProgress((s) => out.push(s), true, 60_000)!;
    for (let i = 1; i <= 900; i++) big.update(i, 900, vm);
    expect(out).toEqual(['\r\x1b[2K[1/900] payments/api gcp-prod', '\r\x1b[2K[900/900] payments/api gcp-prod']);
    expect(createRenderProgress(() => undefined, false)).toBeUndefined();
  });
});

describe('colour', () => {
  it('follows the terminal, NO_COLOR and FORCE_COLOR', () => {
    expect(shouldColor(true, {})).toBe(true);
    expect(shouldColor(false, {})).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '' })).toBe(true); // no-color.org: only a non-empty value counts
    expect(shouldColor(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldColor(true, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor(true, { TERM: 'dumb' })).toBe(false);
  });

  it('colours the severity and caret of a diagnostic only when asked', async () => {
    const bad = join(PROJECT_ROOT, 'test/fixtures/invalid/schema-unknown-key.yaml');
    const files = join(PROJECT_ROOT, 'test/fixtures/invalid/files');
    const coloured = await runWith(['validate', bad, '--files-dir', files], { isTTY: true, color: true });
    expect(coloured.code).toBe(1);
    expect(coloured.stderr).toContain('\x1b[1m\x1b[31merror[SCHEMA_UNKNOWN_KEY]\x1b[39m\x1b[22m:');
    const plain = await runWith(['validate', bad, '--files-dir', files], { isTTY: true, color: false });
    expect(plain.stderr).not.toContain('\x1b[');
    expect(plain.stderr.replace(/\n/g, '')).toBe(coloured.stderr.replace(/\x1b\[\d+m/g, '').replace(/\n/g, ''));
  });
});

describe('help', () => {
  it.each([['validate'], ['render'], ['userdata'], ['pin'], ['aws', 'launch-template']])('%s --help names exit code 5 and the stdin lock default', async (...cmd) => {
    const r = await runInProcess([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5 a remote service failed');
    expect(r.stdout.replace(/\s+/g, " ")).toContain("for a spec on stdin, vmonboard.lock.yaml in the current directory");
  });
});
