/**
 * One running e2e machine at a time on this host, across vitest's worker processes.
 *
 * Containers share the host's network namespace, and the stand-in pilot-agent serves the
 * sidecar's status port 127.0.0.1:15021, which the payload's verify step asks. Two machines at
 * once would share that port, and one machine's verify could be answered by the other's
 * sidecar, hiding a failure. So booting is serialized with `flock`; the lock is held by a tiny
 * child process and released when it exits (including when the test process dies).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { requireHostTool } from './host-tools.js';

const LOCK_FILE = '/run/vmonboard-e2e-machines.lock';

/** A held lock; `release` is idempotent. */
export interface MachineLock {
  release(): void;
  /** Milliseconds spent waiting for the lock. */
  waitedMs: number;
}

/** Waits (up to `timeoutMs`) until no other e2e machine runs on this host, then holds the lock. */
export function acquireMachineLock(timeoutMs = 900_000): Promise<MachineLock> {
  const started = Date.now();
  // The holder prints a line once it owns the lock, then waits for stdin to close.
  const child: ChildProcess = spawn(requireHostTool('flock'), ['-w', String(Math.ceil(timeoutMs / 1000)), LOCK_FILE, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('locked')) {
        resolve({
          waitedMs: Date.now() - started,
          release() {
            child.stdin!.end();
          },
        });
      }
    });
    child.on('exit', (code) => {
      if (!out.includes('locked')) reject(new Error(`could not take ${LOCK_FILE} within ${timeoutMs} ms (flock exited ${code}): ${err}`));
    });
    child.on('error', reject);
  });
}
