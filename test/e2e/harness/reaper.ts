/**
 * A watchdog that ends a container when the test process that started it dies.
 *
 * systemd-nspawn does not take its container with it when it is SIGKILLed (verified: the
 * container's systemd is re-parented and keeps running), and a vitest worker can be killed
 * without running its hooks. So every container gets a small detached shell that polls the
 * test process and, if it disappears, stops that one container by the PIDs recorded at boot
 * (never by name), then detaches the clone's overlay mount.
 */
import { spawn } from 'node:child_process';

const REAPER = String.raw`
owner="$1"; nspawn="$2"; init="$3"; mountpoint="$4"
while kill -0 "$owner" 2>/dev/null && kill -0 "$nspawn" 2>/dev/null; do sleep 1; done
kill -0 "$nspawn" 2>/dev/null || exit 0
kill -TERM "$nspawn" 2>/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$nspawn" 2>/dev/null || break; sleep 1; done
# Only kill the init we recorded if that PID is still a systemd (not a reused PID).
[ "$(cat "/proc/$init/comm" 2>/dev/null)" = systemd ] && kill -KILL "$init" 2>/dev/null
kill -KILL "$nspawn" 2>/dev/null
[ -n "$mountpoint" ] && umount -l "$mountpoint" 2>/dev/null
exit 0
`;

/** Handle of a running reaper. */
export interface Reaper {
  /** Stops the watchdog (by its own PID) once the container was stopped normally. */
  cancel(): void;
}

/** Starts a detached watchdog for one container; `mountpoint` (optional) is lazily unmounted after it. */
export function startReaper(nspawnPid: number, initPid: number, mountpoint = ''): Reaper {
  const child = spawn('bash', ['-c', REAPER, 'vmonboard-e2e-reaper', String(process.pid), String(nspawnPid), String(initPid), mountpoint], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return {
    cancel() {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}
