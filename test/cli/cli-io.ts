/** In-memory CLI streams for tests. */
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

/** Runs the CLI in-process; returns exit code and what went to stdout and stderr. */
export async function runInProcess(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (c) => { stdout += typeof c === 'string' ? c : Buffer.from(c).toString('utf8'); return true; } },
    stderr: { write: (c) => { stderr += typeof c === 'string' ? c : Buffer.from(c).toString('utf8'); return true; } },
    readStdin: async () => stdin,
    isTTY: false,
  };
  const code = await runCli(['node', 'vmonboard', ...args], io);
  return { code, stdout, stderr };
}
