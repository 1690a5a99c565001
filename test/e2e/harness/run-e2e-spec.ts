/**
 * Runs `npm run e2e:spec -- <args>` as a user would, but through its script directly (tsx on
 * test/e2e/cli/e2e-spec.ts), so npm's banner does not mix into the output the tests read.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../validators/upstream.js';

/** Exit status and output of one e2e:spec run; `timeoutMs` bounds a run that boots a VM. */
export function runE2eSpec(args: string[], timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(PROJECT_ROOT, 'test/e2e/cli/e2e-spec.ts'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 2 ** 20,
  });
}
