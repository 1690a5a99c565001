/** Runs the CLI in-process keeping stdout as bytes (archives and gzip user data are binary). */
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

/** Exit code, raw stdout bytes and stderr text of one in-process run. */
export async function runBinary(args: string[], opts: { isTTY?: boolean } = {}): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const out: Buffer[] = [];
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (c) => out.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c)) },
    stderr: { write: (c) => (stderr += typeof c === 'string' ? c : Buffer.from(c).toString('utf8')) },
    readStdin: async () => '',
    isTTY: opts.isTTY ?? false,
  };
  const code = await runCli(['node', 'vmonboard', ...args], io);
  return { code, stdout: Buffer.concat(out), stderr };
}
