/**
 * Issue 15 §9, §10: failures of the stdout pipe that must not look like crashes.
 * `render --archive - | head -c 4` printed "Unhandled 'error' event ... write EPIPE" with a stack
 * and exit 1; `render --archive -` wrote gzip bytes to a terminal.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { PROJECT_ROOT } from '../helpers/golden-cases.js';

const CLI = join(PROJECT_ROOT, 'dist/src/cli/main.js');
const SPEC = join(PROJECT_ROOT, 'examples/quickstart.yaml');

async function runWithTerminalStdout(args: string[]): Promise<{ code: number; stdout: number; stderr: string }> {
  let bytes = 0;
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (c) => (bytes += c.length) },
    stderr: { write: (c) => (stderr += String(c)) },
    readStdin: async () => '',
    isTTY: true,
    stdoutIsTTY: true,
  };
  const code = await runCli(['node', 'vmonboard', ...args], io);
  return { code, stdout: bytes, stderr };
}

describe('a reader that goes away', () => {
  it('render --archive - | head -c 4: exit 0, no error on stderr', () => {
    const errFile = join(mkdtempSync(join(tmpdir(), 'vmonboard-epipe-')), 'stderr');
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" render "${SPEC}" --archive - 2>"$ERR" | head -c 4 | od -An -tx1; echo "status=\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      env: { ...process.env, ERR: errFile },
    });
    expect(r.stdout).toMatch(/^ 1f 8b 08 00\nstatus=0\n$/);
    // Only the report's warnings (the example's sample pins); no EPIPE, no stack.
    expect(readFileSync(errFile, 'utf8')).not.toMatch(/EPIPE|Unhandled|Error|at .*\.js/);
  });
});

describe('binary data to a terminal', () => {
  it('render --archive - refuses a terminal on stdout with a hint (exit 2) and writes nothing', async () => {
    const r = await runWithTerminalStdout(['render', SPEC, '--archive', '-']);
    expect(r).toEqual({ code: 2, stdout: 0, stderr: expect.stringMatching(/^error: refusing to write the archive to a terminal \(it is binary\); redirect it \(--archive - > bundle\.tar\.gz\)/) });
  });

  it('a real pseudo-terminal (script(1)) gets the refusal too', () => {
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" render "${SPEC}" --archive -`, '/dev/null'], { encoding: 'latin1' });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('refusing to write the archive to a terminal');
    expect(r.stdout).not.toContain('\x1f\x8b');
  });

  it('userdata refuses gzipped bytes to a terminal but prints text encodings', async () => {
    const gz = await runWithTerminalStdout(['userdata', SPEC, '--workload', 'ratings', '--platform', 'aws-prod', '--encoding', 'gzip']);
    expect([gz.code, gz.stdout]).toEqual([2, 0]);
    expect(gz.stderr).toMatch(/refusing to write gzipped user data to a terminal/);
    const b64 = await runWithTerminalStdout(['userdata', SPEC, '--workload', 'ratings', '--platform', 'aws-prod', '--encoding', 'gzip+base64']);
    expect(b64.code).toBe(0);
    expect(b64.stdout).toBeGreaterThan(0);
  });
});
