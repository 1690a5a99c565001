/**
 * A booted Debian container: `systemd-nspawn -b` with real systemd as PID 1, sharing the
 * host's network namespace (so it reaches the loopback mirror and stubs). Commands run inside
 * through `nsenter` into the container's namespaces, as root, the way an operator's shell would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { requireHostTool } from './host-tools.js';
import { ensureNspawnRunDir } from './nspawn-host.js';
import { startReaper, type Reaper } from './reaper.js';
import { run, type RunResult } from './run.js';

/** nspawn's exit status when the container asked for a reboot. */
const REBOOT_EXIT = 133;
/** The environment commands inside get: no host variables leak in (HOME, NODE_OPTIONS, TMPDIR...). */
const INSIDE_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };

/** Options for {@link Container.boot}. */
export interface BootOptions {
  /** Directory to boot (a clone of the cached tree). */
  root: string;
  /** File that receives nspawn's own output (appended across reboots). */
  logPath: string;
  /** Machine name (also the initial hostname). */
  name: string;
  /** Mount point the reaper lazily unmounts if the test process dies (the clone's overlay). */
  mountpoint?: string;
  /**
   * Wait until the container's systemd answers (default). Off for user data that powers the
   * machine off at the end of its first boot: the container may be gone before the wait succeeds.
   */
  waitUntilBooted?: boolean;
}

/** Options for {@link Container.exec}. */
export interface ExecOptions {
  input?: string;
  timeoutMs?: number;
  /** Extra environment for the command (on top of a minimal PATH/LANG). */
  env?: Record<string, string>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every container this process started and has not stopped: ended on process exit. */
const live = new Set<Container>();
process.on('exit', () => {
  for (const c of live) c.killNow();
});

/** One booted container; create with {@link Container.boot}, always end with {@link Container.stop}. */
export class Container {
  private child!: ChildProcess;
  private exitCode: Promise<number | null> = Promise.resolve(null);
  private reaper: Reaper | undefined;
  /** PID of the systemd-nspawn process we started. */
  nspawnPid = 0;
  /** PID (host view) of the container's systemd. */
  initPid = 0;
  /** Milliseconds from spawning nspawn until the container's systemd answered, per boot. */
  readonly bootMs: number[] = [];

  private constructor(private readonly opts: BootOptions) {}

  /** Boots `opts.root` and waits until the container's systemd answers (see waitUntilBooted). */
  static async boot(opts: BootOptions): Promise<Container> {
    const c = new Container(opts);
    await c.start();
    return c;
  }

  private async start(): Promise<void> {
    await ensureNspawnRunDir();
    const nspawn = requireHostTool('systemd-nspawn');
    const started = Date.now();
    const log = openSync(this.opts.logPath, 'a');
    try {
      this.child = spawn(
        nspawn,
        ['-b', '-D', this.opts.root, '--register=no', '--keep-unit', '--console=pipe', `--machine=${this.opts.name}`],
        { stdio: ['pipe', log, log], env: INSIDE_ENV },
      );
    } finally {
      closeSync(log);
    }
    const child = this.child;
    this.exitCode = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    if (child.pid === undefined) throw new Error(`cannot start systemd-nspawn: ${this.consoleLog()}`);
    this.nspawnPid = child.pid;
    live.add(this);
    this.initPid = await this.findInit(20_000);
    this.reaper = startReaper(this.nspawnPid, this.initPid, this.opts.mountpoint);
    if (this.opts.waitUntilBooted === false) return;
    await this.waitUntilBooted(120_000);
    this.bootMs.push(Date.now() - started);
  }

  /** The container's systemd is nspawn's child that lives in another PID namespace and is named systemd. */
  private async findInit(timeoutMs: number): Promise<number> {
    const ownPidNs = readlinkSync('/proc/self/ns/pid');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`systemd-nspawn exited ${this.child.exitCode} during boot:\n${this.consoleLog()}`);
      for (const tid of safeList(`/proc/${this.nspawnPid}/task`)) {
        for (const pid of readOr(`/proc/${this.nspawnPid}/task/${tid}/children`, '').split(/\s+/).filter(Boolean)) {
          try {
            if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'systemd' && readlinkSync(`/proc/${pid}/ns/pid`) !== ownPidNs) return Number(pid);
          } catch {
            // the outer child went away between listing and reading
          }
        }
      }
      await sleep(50);
    }
    throw new Error(`no container init appeared under systemd-nspawn (pid ${this.nspawnPid}):\n${this.consoleLog()}`);
  }

  /**
   * Waits until the container's systemd answers on its bus (state initializing, starting,
   * running or degraded). Not until the boot finished: cloud-final runs the payload, and a broken
   * payload keeps it busy for its verify deadline; scenarios wait for cloud-init themselves.
   */
  private async waitUntilBooted(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`container exited ${this.child.exitCode} during boot:\n${this.consoleLog()}`);
      const r = await this.exec(['systemctl', 'is-system-running'], { timeoutMs: 10_000 });
      last = (r.stdout + r.stderr).trim();
      if (['initializing', 'starting', 'running', 'degraded'].includes(r.stdout.trim())) return;
      await sleep(100);
    }
    throw new Error(`container systemd did not come up within ${timeoutMs} ms (last state: ${last})`);
  }

  /** Runs `argv` inside the container as root (all its namespaces, its root directory); never rejects on a non-zero exit. */
  exec(argv: string[], opts: ExecOptions = {}): Promise<RunResult> {
    return run(requireHostTool('nsenter'), ['--target', String(this.initPid), '--all', '--', ...argv], {
      input: opts.input,
      timeoutMs: opts.timeoutMs ?? 120_000,
      env: { ...INSIDE_ENV, ...opts.env },
    });
  }

  /** Runs a bash script inside; throws with its output when it fails. */
  async sh(script: string, opts: ExecOptions = {}): Promise<string> {
    const r = await this.exec(['bash', '-c', script], opts);
    if (r.code !== 0) throw new Error(`inside ${this.opts.name}: bash -c ${JSON.stringify(script)} exited ${r.code}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Runs a bash script inside and returns the full result, failing or not. */
  shResult(script: string, opts: ExecOptions = {}): Promise<RunResult> {
    return this.exec(['bash', '-c', script], opts);
  }

  /** Writes a file inside as root (parents created 0755), with `mode` (octal string, e.g. '0600'). */
  async writeFile(file: string, content: string, mode = '0644'): Promise<void> {
    const r = await this.exec(['bash', '-c', 'mkdir -p "$(dirname "$1")" && (umask 077 && cat >"$1") && chmod "$2" "$1"', 'write-file', file, mode], { input: content });
    if (r.code !== 0) throw new Error(`cannot write ${file} inside ${this.opts.name}: ${r.stderr}`);
  }

  /** The container's journal (optionally one unit), for assertions and failure messages. */
  async journal(unit?: string): Promise<string> {
    const r = await this.exec(['journalctl', '--no-pager', '-o', 'short-monotonic', ...(unit ? ['-u', unit] : [])]);
    return r.stdout + r.stderr;
  }

  /** What nspawn itself printed (its console pipe and its own errors). */
  consoleLog(): string {
    return readOr(this.opts.logPath, '');
  }

  /** Whether the container is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Reboots through systemd (`systemctl reboot`), waits for nspawn to exit with its reboot
   * status, and boots the same tree again, as a VM reboot would.
   */
  async reboot(): Promise<void> {
    await this.exec(['systemctl', 'reboot']);
    const code = await withTimeout(this.exitCode, 60_000, 'container did not go down for reboot');
    this.reaper?.cancel();
    live.delete(this);
    if (code !== REBOOT_EXIT) throw new Error(`expected nspawn to exit ${REBOOT_EXIT} (reboot), got ${code}:\n${this.consoleLog()}`);
    await this.start();
  }

  /** Asks systemd to power off and waits for nspawn to exit; returns its exit code. */
  async poweroff(timeoutMs = 60_000): Promise<number | null> {
    if (!this.running) return this.exitCode;
    await this.exec(['systemctl', 'poweroff']);
    const code = await withTimeout(this.exitCode, timeoutMs, 'container did not power off');
    this.reaper?.cancel();
    live.delete(this);
    return code;
  }

  /** Waits for the container to stop by itself (e.g. cloud-init's power_state); returns nspawn's exit code. */
  async waitForExit(timeoutMs: number): Promise<number | null> {
    const code = await withTimeout(this.exitCode, timeoutMs, `container ${this.opts.name} did not exit within ${timeoutMs} ms`);
    this.reaper?.cancel();
    live.delete(this);
    return code;
  }

  /**
   * Stops the container whatever its state: SIGTERM to nspawn (a clean halt), then SIGKILL to
   * nspawn and the container's init by their recorded PIDs. Safe to call twice.
   */
  async stop(): Promise<void> {
    if (this.running) {
      try {
        process.kill(this.nspawnPid, 'SIGTERM');
      } catch {
        // already gone
      }
      try {
        await withTimeout(this.exitCode, 20_000, 'halt');
      } catch {
        this.killNow();
        await withTimeout(this.exitCode, 10_000, 'kill').catch(() => undefined);
      }
    }
    this.reaper?.cancel();
    live.delete(this);
  }

  /** Synchronous last resort (process exit): SIGKILL the recorded init and nspawn. */
  killNow(): void {
    for (const [pid, comm] of [
      [this.initPid, 'systemd'],
      [this.nspawnPid, 'systemd-nspawn'],
    ] as const) {
      if (pid > 0 && readOr(`/proc/${pid}/comm`, '').trim() === comm) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} (after ${ms} ms)`)), ms)))]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
