/**
 * The verdict on a first boot, as a list of problems (empty: the boot is right). The passing
 * scenarios assert the list is empty; the deliberately broken payloads assert the same checks
 * find their defect, which is what shows the harness can fail.
 *
 * Checked: cloud-init's own status, the payload's status file, the three units active and never
 * restarted, the stand-ins' reports (no failed check, start order, users, iptables only
 * recorded), every agent file's content, owner and mode against listAgentFiles, the managed hosts
 * block present once, the identity chain (identity-checks.ts: real TLS to the SPIRE server and
 * istiod stand-ins, the placed SVID verified against the mesh root), the bundle's verify.sh
 * passing, and no canary file.
 */
import { createHash } from 'node:crypto';
import { validateSpecFile } from '../../../src/api.js';
import { listAgentFiles } from '../../../src/vm/agent-files.js';
import type { AgentFile } from '../../../src/vm/agent-file.js';
import { GATEWAY_IP_PLACEHOLDER } from '../../../src/vm/hosts-block.js';
import type { Delivery } from '../../../src/model/model.js';
import { findWorkload } from '../../../src/model/find-workload.js';
import { waitForStartupScript } from './gce-startup-runner.js';
import { AGENT_UNITS } from './boot-timeline.js';
import { checkIdentity } from './identity-checks.js';
import type { Container } from './container.js';
import type { E2eEnv } from './e2e-env.js';
import type { RenderedVm } from './render-fixture.js';
import { readUnitStates } from './unit-state.js';

/** Canary paths the hostile-value scenarios plant; none may ever exist. */
export const CANARIES = ['/pwned', '/pwned-backtick', '/pwned-quote', '/pwned-hcl', '/pwned-yaml'];

/** Options for {@link checkFirstBoot}. */
export interface FirstBootCheckOptions {
  /** Wait for cloud-init to finish (default). Off for payloads expected to hang in verify. */
  waitForCloudInit?: boolean;
  /** Event sequence number where this boot's stand-in reports begin (default 0). */
  sinceSeq?: number;
  /** Skip running verify.sh (the bootstrap runs it too; this runs the bundle's copy again). */
  skipVerify?: boolean;
  /** startup-script: first wait for the GCE runner unit and check the script's exit status. */
  delivery?: Delivery;
  /** The address the harness serves a DNS-named gateway at (default: the gateway stub's address). */
  gatewayAddress?: string;
}

/** The agent files listAgentFiles says this VM must have (the contract the payload implements). */
export async function expectedAgentFiles(specPath: string, workload: string, platform: string): Promise<AgentFile[]> {
  const v = await validateSpecFile(specPath);
  if (!v.model) throw new Error(`spec ${specPath} does not validate: ${v.diagnostics.map((d) => d.message).join('; ')}`);
  // `<namespace>/<name>` or a plain name one namespace has (src/model/find-workload.ts).
  const w = findWorkload(v.model.workloads, workload);
  const placement = w.placements.find((p) => p.platform === platform);
  if (!placement) throw new Error(`no placement of ${workload} on ${platform}`);
  return listAgentFiles(v.model, w, placement);
}

/**
 * cloud-init's status as JSON (`cloud-init status --long --format json`), optionally after
 * waiting until its final stage ended (see waitForCloudInit for why not `--wait`).
 */
export async function cloudInitStatus(c: Container, wait: boolean): Promise<{ status: string; errors: string[]; detail: string; raw: string }> {
  if (wait) {
    const deadline = Date.now() + 420_000;
    while ((await c.exec(['test', '-e', '/run/cloud-init/result.json'])).code !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  }
  const r = await c.exec(['cloud-init', 'status', '--long', '--format', 'json'], { timeoutMs: 60_000 });
  try {
    const j = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { status: string; errors?: string[]; detail?: string };
    return { status: j.status, errors: j.errors ?? [], detail: j.detail ?? '', raw: r.stdout };
  } catch {
    return { status: 'unreadable', errors: [r.stderr], detail: '', raw: r.stdout + r.stderr };
  }
}

/**
 * Waits for cloud-init to finish all its stages, but gives up early once a stand-in has
 * reported a failed check and `graceMs` passed: a broken payload otherwise keeps cloud-final in
 * its verify step for the payload's whole deadline (300 s). "Finished" is /run/cloud-init/result.json,
 * which cloud-init writes at the end of its final stage: `cloud-init status` already says
 * "error" while later stages still run when an earlier one failed.
 */
export async function waitForCloudInit(c: Container, env: E2eEnv, sinceSeq: number, timeoutMs = 400_000, graceMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let firstFailureAt: number | undefined;
  while (Date.now() < deadline) {
    if ((await c.exec(['test', '-e', '/run/cloud-init/result.json'])).code === 0) return;
    if (firstFailureAt === undefined && env.control.events.all().some((e) => e.seq >= sinceSeq && e.event === 'fail')) firstFailureAt = Date.now();
    if (firstFailureAt !== undefined && Date.now() - firstFailureAt > graceMs) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Waits until each agent's latest start has been followed by its verdict (ready, fail or stop):
 * a unit is "active" as soon as its process runs, a moment before the stand-in reports.
 */
async function waitForAgentsSettled(env: E2eEnv, since: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const settled = (): boolean =>
    (['spire-agent', 'pilot-agent', 'otelcol-contrib'] as const).every((agent) => {
      const mine = env.control.events.all().filter((e) => e.seq >= since && e.agent === agent);
      const lastStart = mine.filter((e) => e.event === 'start').at(-1);
      return !lastStart || mine.some((e) => e.seq > lastStart.seq && (e.event === 'ready' || e.event === 'fail' || e.event === 'stop'));
    });
  while (!settled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
}

/** Compares one placed file with its AgentFile: existence, bytes, owner:group, mode. */
async function checkFile(c: Container, f: AgentFile): Promise<string | undefined> {
  const r = await c.exec(['stat', '-c', '%U:%G %a', f.vmPath]);
  if (r.code !== 0) return `${f.vmPath}: missing (${r.stderr.trim()})`;
  const [owner, mode] = r.stdout.trim().split(' ');
  const sum = (await c.exec(['sha256sum', f.vmPath])).stdout.split(' ')[0];
  const want = createHash('sha256').update(f.content).digest('hex');
  const problems: string[] = [];
  if (sum !== want) problems.push('content differs from the bundle');
  if (owner !== `${f.owner}:${f.group}`) problems.push(`owner ${owner}, want ${f.owner}:${f.group}`);
  if (mode !== f.mode.toString(8)) problems.push(`mode ${mode}, want ${f.mode.toString(8)}`);
  return problems.length ? `${f.vmPath}: ${problems.join('; ')}` : undefined;
}

/** One named first-boot check and the problems it found (none: it passed). */
export interface FirstBootCheck {
  name: string;
  problems: string[];
}

/** Runs every first-boot check on a booted machine; returns the problems found. */
export async function checkFirstBoot(c: Container, env: E2eEnv, specPath: string, vm: RenderedVm, opts: FirstBootCheckOptions = {}): Promise<string[]> {
  return (await listFirstBootChecks(c, env, specPath, vm, opts)).flatMap((x) => x.problems);
}

/** Runs every first-boot check on a booted machine; returns each check by name with its problems (e2e:spec prints them). */
export async function listFirstBootChecks(c: Container, env: E2eEnv, specPath: string, vm: RenderedVm, opts: FirstBootCheckOptions = {}): Promise<FirstBootCheck[]> {
  const checks: FirstBootCheck[] = [];
  let problems: string[] = [];
  const check = (name: string): void => {
    problems = [];
    checks.push({ name, problems });
  };
  const since = opts.sinceSeq ?? 0;
  if (opts.delivery === 'startup-script') {
    // The guest agent's runner (gce-startup-runner.ts) runs the payload; cloud-init has no user data.
    check('the GCE startup-script runner ran the payload as root, without HOME, exit status 0');
    const run = await waitForStartupScript(c);
    if (run.exitStatus !== 0) problems.push(`startup-script ${run.exitStatus === undefined ? 'did not finish' : `exited ${run.exitStatus}`} in this boot: ${run.lines.slice(-8).join(' / ')}`);
    if (run.lines[0] && !/: uid 0, HOME \(unset\)$/.test(run.lines[0])) problems.push(`the runner did not run as the guest agent does: ${run.lines[0]}`);
  }
  if (opts.waitForCloudInit ?? true) await waitForCloudInit(c, env, since);
  check('cloud-init finished without errors');
  const ci = await cloudInitStatus(c, false);
  if (ci.status !== 'done' || ci.errors.length > 0) problems.push(`cloud-init status ${ci.status}: ${[...ci.errors, ci.detail].join(' | ')}`);

  check('the payload\'s status file says ok');
  const st = await c.exec(['cat', '/var/lib/vmonboard/status.json']);
  if (!/"state":"ok"/.test(st.stdout)) problems.push(`vmonboard status file: ${st.stdout.trim() || st.stderr.trim()}`);

  check(`${AGENT_UNITS.join(', ')} active and never restarted`);
  const units = await readUnitStates(c, [...AGENT_UNITS]);
  for (const u of AGENT_UNITS) {
    const s = units[u]!;
    if (s.activeState !== 'active') problems.push(`${u} is ${s.activeState}/${s.subState}`);
    if (s.nRestarts > 0) problems.push(`${u} restarted ${s.nRestarts} time(s) (its process failed)`);
  }

  await waitForAgentsSettled(env, since, 30_000);
  const mine = env.control.events.all().filter((e) => e.seq >= since);
  check('every stand-in check passed (configs, SPIRE node attestation and alias, SVID)');
  // A failing agent is restarted again and again: report each distinct failure once, with its count.
  const failures = new Map<string, number>();
  for (const f of mine.filter((e) => e.event === 'fail')) {
    const key = `stand-in ${f.agent} failed a check: ${JSON.stringify(f.detail)}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
  }
  for (const [key, n] of failures) problems.push(n > 1 ? `${key} (×${n})` : key);
  check('start order: SDS socket before pilot-agent, collector after the SPIRE agent');
  const socketReady = mine.find((e) => e.agent === 'spire-agent' && e.event === 'ready');
  const pilotStart = mine.find((e) => e.agent === 'pilot-agent' && e.event === 'start');
  if (!socketReady) problems.push('the SPIRE agent never opened its SDS socket');
  if (!pilotStart) problems.push('pilot-agent never started');
  if (socketReady && pilotStart && pilotStart.seq < socketReady.seq) problems.push('pilot-agent started before the SDS socket existed');
  const otelStarts = mine.filter((e) => e.agent === 'otelcol-contrib' && e.event === 'start');
  const spireStart = mine.find((e) => e.agent === 'spire-agent' && e.event === 'start');
  if (otelStarts.length === 0) problems.push('the collector never started');
  else if (spireStart && otelStarts.at(-1)!.seq < spireStart.seq) problems.push('the collector was (re)started with its config before the SPIRE agent started');
  check('agents ran as their users; iptables only recorded; the SVID sync ran before the sidecar');
  if (pilotStart && pilotStart.user !== 'istio-proxy') problems.push(`pilot-agent ran as ${pilotStart.user}, want istio-proxy`);
  if (otelStarts.some((e) => e.user !== 'otelcol-contrib')) problems.push(`the collector ran as ${otelStarts.map((e) => e.user).join(',')}`);
  if (!mine.some((e) => e.agent === 'pilot-agent' && e.event === 'did' && e.detail.action === 'istio-iptables')) problems.push('istio-start.sh never asked for istio-iptables');
  const ready = mine.filter((e) => e.agent === 'pilot-agent' && e.event === 'ready').at(-1);
  if (ready && ready.detail.xds_client_cert !== true) problems.push('pilot-agent found no readable PROV_CERT cert-chain.pem/key.pem (the SVID sync did not run before it)');
  problems.push(...(await checkIdentity(c, env, vm, since)));

  check('every agent file: content, owner, mode (listAgentFiles)');
  const files = await expectedAgentFiles(specPath, vm.workload, vm.platform);
  for (const f of files.filter((x) => x.install !== 'hosts-block')) {
    const p = await checkFile(c, f);
    if (p) problems.push(p);
  }
  const hostsBlock = files.find((x) => x.install === 'hosts-block');
  if (hostsBlock) {
    check('the managed /etc/hosts block, once, with the gateway\'s resolved address');
    // A DNS-named gateway: the payload resolved the name at boot and replaced the placeholder;
    // the harness serves that name (gatewayAddress), so the block must hold that address.
    const want = hostsBlock.content.split(GATEWAY_IP_PLACEHOLDER).join(opts.gatewayAddress ?? env.gateway.address);
    const hosts = (await c.exec(['cat', '/etc/hosts'])).stdout;
    const count = hosts.split(want).length - 1;
    if (count !== 1) problems.push(`/etc/hosts holds the managed block ${count} times, want once:\n${hosts}`);
  }

  if (!opts.skipVerify) {
    check('the bundle\'s verify.sh passes');
    const verify = await c.exec(['bash', '-c', 'cat >/root/verify.sh && VMONBOARD_VERIFY_WAIT=60 bash /root/verify.sh'], { input: vm.file('verify.sh'), timeoutMs: 120_000 });
    if (verify.code !== 0) problems.push(`verify.sh exited ${verify.code}: ${(verify.stdout + verify.stderr).trim().split('\n').slice(-8).join(' / ')}`);
  }

  check('no canary file (no value was executed)');
  const canaries = await c.exec(['bash', '-c', `for f in ${CANARIES.join(' ')}; do [ -e "$f" ] && echo "$f"; done; true`]);
  if (canaries.stdout.trim() !== '') problems.push(`canary file(s) exist, a value was executed: ${canaries.stdout.trim()}`);
  return checks;
}

/** A compact account of a machine for assertion messages: the bootstrap log's tail, failed units, the stand-ins' last reports. */
export async function diagnose(c: Container, env: E2eEnv): Promise<string> {
  const log = await c.exec(['bash', '-c', 'tail -n 40 /var/log/vmonboard/bootstrap.log 2>/dev/null; systemctl --failed --no-legend 2>/dev/null; true']);
  const events = env.control.events.transcript().split('\n').slice(-25).join('\n');
  return `--- bootstrap.log (tail) and failed units ---\n${log.stdout}\n--- stand-in reports (last 25) ---\n${events}`;
}
