/**
 * GCE startup-script delivery, booted: a stand-in for the guest agent's
 * google_metadata_script_runner and its unit, placed in the tree before boot. Behaviour from
 * GoogleCloudPlatform/guest-agent (tag 20260724.00): google-startup-scripts.service (verbatim
 * but for ExecStart: Type=oneshot, After/Wants network-online.target, WantedBy multi-user, so it
 * runs on EVERY boot, as root, with no User= and therefore no HOME) and
 * google_metadata_script_runner/main.go: read instance/attributes/ (then project/attributes/)
 * recursively, take `startup-script`, trim leading whitespace, write it 0755 into a fresh
 * os.MkdirTemp("", "metadata-scripts") directory, run it as `/bin/bash -c <file>`
 * (MetadataScripts.default_shell), log each output line as "startup-script: <line>", then
 * "startup-script exit status 0" or `Script "startup-script" failed with error: ...`; the runner
 * itself succeeds either way. The metadata server is the loopback stub
 * (VMONBOARD_TEST_METADATA_URL, set for every unit by the harness).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Container } from './container.js';

/** The unit name the guest agent installs. */
export const GCE_STARTUP_UNIT = 'google-startup-scripts.service';
/** Where the stand-in runner appends what the guest agent would log (one run per boot). */
export const GCE_STARTUP_LOG = '/var/log/e2e-gce-startup-scripts.log';

const UNIT = `[Unit]
Description=Google Compute Engine Startup Scripts
Wants=network-online.target rsyslog.service
After=network-online.target rsyslog.service google-guest-agent-manager.service
Before=apt-daily.service

[Service]
Type=oneshot
ExecStart=/usr/bin/google_metadata_script_runner startup
#TimeoutStartSec is ignored for Type=oneshot service units.
KillMode=process
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
`;

const RUNNER = `#!/usr/bin/python3
# STAND-IN for google_metadata_script_runner (test/e2e/harness/gce-startup-runner.ts).
import json, os, shutil, subprocess, sys, tempfile, urllib.request

MD = os.environ.get("VMONBOARD_TEST_METADATA_URL", "http://metadata.google.internal")
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
LOG = open(${JSON.stringify(GCE_STARTUP_LOG)}, "a", buffering=1)


def log(msg):
    LOG.write(msg + "\\n")
    sys.stdout.write(msg + "\\n")
    sys.stdout.flush()


def get(path):
    req = urllib.request.Request(MD + "/computeMetadata/v1" + path, headers={"Metadata-Flavor": "Google"})
    with OPENER.open(req, timeout=10) as r:
        return r.read().decode("utf-8")


if sys.argv[1:] != ["startup"]:
    sys.exit("usage: google_metadata_script_runner startup")
with open("/proc/sys/kernel/random/boot_id") as f:
    log("boot %s: uid %d, HOME %s" % (f.read().strip(), os.getuid(), os.environ.get("HOME", "(unset)")))
wanted = ["startup-script", "startup-script-url"]
found = {}
for attrs in ("/instance/attributes/?recursive=true", "/project/attributes/?recursive=true"):
    md = json.loads(get(attrs))
    found = {k: md[k] for k in wanted if md.get(k)}
    if found:
        break
if not found:
    log("No startup scripts to run.")
for key in wanted:
    if key not in found:
        continue
    log("Found %s in metadata." % key)
    if key.endswith("-url"):
        log('Script "%s" failed with error: the stand-in runner does not download script URLs' % key)
        continue
    tmp = tempfile.mkdtemp(prefix="metadata-scripts")
    try:
        script = os.path.join(tmp, key)
        with open(script, "w") as f:
            f.write(found[key].lstrip(" \\n\\v\\f\\t\\r"))
        os.chmod(script, 0o755)
        p = subprocess.Popen(["/bin/bash", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        for line in p.stdout:
            log("%s: %s" % (key, line.decode("utf-8", "replace").rstrip("\\n")))
        rc = p.wait()
        log("%s exit status 0" % key if rc == 0 else 'Script "%s" failed with error: exit status %d' % (key, rc))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
log("Finished running startup scripts.")
`;

/** Installs the runner and its enabled unit into a not-yet-booted tree. */
export function installGceStartupRunner(root: string): void {
  const put = (rel: string, text: string, mode: number): void => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text, { mode });
  };
  put('usr/bin/google_metadata_script_runner', RUNNER, 0o755);
  put(`etc/systemd/system/${GCE_STARTUP_UNIT}`, UNIT, 0o644);
  const wants = path.join(root, 'etc/systemd/system/multi-user.target.wants');
  mkdirSync(wants, { recursive: true });
  symlinkSync(`/etc/systemd/system/${GCE_STARTUP_UNIT}`, path.join(wants, GCE_STARTUP_UNIT));
}

/** How the runner's run in the current boot ended. */
export interface StartupScriptRun {
  /** The script's exit status, or undefined when it never finished in this boot. */
  exitStatus: number | undefined;
  /** The runner's log lines of this boot. */
  lines: string[];
}

/**
 * Waits until the runner unit finished in the current boot (the unit is oneshot: activating
 * while the script runs, then inactive) and returns the script's exit status from its log.
 */
export async function waitForStartupScript(c: Container, timeoutMs = 400_000): Promise<StartupScriptRun> {
  const deadline = Date.now() + timeoutMs;
  const bootId = (await c.sh('cat /proc/sys/kernel/random/boot_id')).trim();
  for (;;) {
    const log = (await c.exec(['cat', GCE_STARTUP_LOG])).stdout;
    const start = log.lastIndexOf(`boot ${bootId}:`);
    const lines = start < 0 ? [] : log.slice(start).split('\n').filter(Boolean);
    if (lines.some((l) => l === 'Finished running startup scripts.')) {
      const ok = lines.some((l) => l === 'startup-script exit status 0');
      const failed = lines.map((l) => /^Script "startup-script" failed with error: exit status (\d+)$/.exec(l)).find(Boolean);
      return { exitStatus: ok ? 0 : failed ? Number(failed[1]) : undefined, lines };
    }
    if (Date.now() > deadline) return { exitStatus: undefined, lines };
    await new Promise((r) => setTimeout(r, 500));
  }
}
