/**
 * Runs a rendered bootstrap end to end in a sandbox, the way its delivery would: every delivery's
 * script carries the files it stages (cloud-init's write_files only writes the script). A real
 * unix socket stands in for the SPIRE agent's SDS socket, so verify's socket check can pass.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderBootstrap, type RenderedBootstrap, type VmInputs } from '../../../src/delivery/bootstrap.js';
import { SDS_SOCKET } from '../../../src/vm/paths.js';
import { requireExecutable } from '../../validators/require-tool.js';
import { runBash, type BashResult, type Sandbox } from './sandbox.js';

/** Creates the SDS socket under the sandbox root (a bound unix socket outlives its process). */
export function createSdsSocket(sb: Sandbox): void {
  const python = requireExecutable('/usr/bin/python3', 'python3');
  const path = join(sb.root, SDS_SOCKET);
  mkdirSync(dirname(path), { recursive: true });
  execFileSync(python, ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);
}

/** Renders the bootstrap, writes the script and runs it. */
export async function runPayload(sb: Sandbox, vm: VmInputs, mode: 'full' | 'firstboot' = 'full', env: Record<string, string> = {}): Promise<BashResult & { boot: RenderedBootstrap; output: string }> {
  const boot = renderBootstrap(vm, mode);
  const script = join(sb.dir, `bootstrap-${boot.payloadHash.slice(0, 8)}.sh`);
  writeFileSync(script, boot.script, { mode: 0o700 });
  const r = await runBash([script], { ...sb.env, VMONBOARD_TEST_METADATA_URL: 'http://127.0.0.1:9', ...env });
  // The bootstrap sends stderr to stdout (both are copied to the log), so tests read `output`.
  return { ...r, boot, output: r.stdout + r.stderr };
}

/** The shim calls of one program, as argument lists. */
export function callsOf(sb: Sandbox, program: string): string[][] {
  return sb.calls().filter((c) => c[0] === program).map((c) => c.slice(1));
}
