/**
 * Applies a rendered `#cloud-config` to a booted machine the way cloud-init would deliver it to an
 * existing instance (an operator re-running a payload, GCE's every-boot startup-script): its
 * write_files (decoded), then its one runcmd, as root with the test-only metadata override. The
 * scenarios that need to run the bootstrap more than once, or with a fault in place, use it.
 */
import type { RunResult } from './run.js';
import type { Container } from './container.js';
import type { E2eEnv } from './e2e-env.js';
import { readUserData } from './user-data-edit.js';

/** The bootstrap's command line in every rendered cloud-config (src/delivery/cloud-config.ts). */
const RUNCMD = ['/bin/bash', '/var/lib/vmonboard/bootstrap.sh'];

/** Writes the payload's files and runs its bootstrap; returns its exit code and output. */
export async function applyUserData(c: Container, env: E2eEnv, userData: string, extraEnv: Record<string, string> = {}): Promise<RunResult & { payloadHash: string }> {
  const cfg = readUserData(userData) as { write_files: Array<{ path: string; permissions?: string; content: string }>; runcmd: string[][] };
  if (JSON.stringify(cfg.runcmd) !== JSON.stringify([RUNCMD])) throw new Error(`unexpected runcmd ${JSON.stringify(cfg.runcmd)}`);
  for (const f of cfg.write_files) await c.writeFile(f.path, f.content, f.permissions ?? '0644');
  const script = cfg.write_files.find((f) => f.path === RUNCMD[1])?.content ?? '';
  const payloadHash = /^readonly PAYLOAD='([0-9a-f]+)'$/m.exec(script)?.[1];
  if (!payloadHash) throw new Error('the bootstrap carries no payload hash');
  const env_ = Object.entries({ VMONBOARD_TEST_METADATA_URL: env.control.url, ...extraEnv }).map(([k, v]) => `${k}=${v}`);
  const r = await c.exec(['env', ...env_, ...RUNCMD], { timeoutMs: 400_000 });
  return { ...r, payloadHash };
}
