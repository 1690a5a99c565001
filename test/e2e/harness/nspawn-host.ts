/**
 * Host preparation for `systemd-nspawn -b`: on machines whose /run is not a tmpfs (CI VMs
 * and sandboxes without systemd as PID 1), nspawn cannot set up its per-container propagation
 * directory under /run/systemd/nspawn, so the harness mounts a tmpfs there first.
 */
import { requireHostTool } from './host-tools.js';
import { runOk } from './run.js';

/**
 * Checks and mounts under one `flock`, so two vitest processes never stack two tmpfs mounts
 * (the second would hide the first from containers already running).
 */
const PREPARE = String.raw`
set -eu
[ "$(findmnt -n -o FSTYPE --mountpoint /run || true)" = tmpfs ] && exit 0
[ "$(findmnt -n -o FSTYPE --mountpoint /run/systemd/nspawn || true)" = tmpfs ] && exit 0
mkdir -p /run/systemd/nspawn
mount -t tmpfs -o mode=0755 tmpfs /run/systemd/nspawn
`;

let prepared: Promise<void> | undefined;

/** Idempotently makes /run/systemd/nspawn a tmpfs unless /run already is one; once per process. */
export function ensureNspawnRunDir(): Promise<void> {
  prepared ??= (async () => {
    requireHostTool('mount');
    await runOk(requireHostTool('flock'), ['-w', '60', '/run/vmonboard-e2e-nspawn.lock', 'sh', '-c', PREPARE]);
  })().catch((err: unknown) => {
    prepared = undefined;
    throw err;
  });
  return prepared;
}
