// The systemd units: checked by systemd itself (`systemd-analyze verify`, Debian's systemd 252)
// together with the upstream istio.service they drop into, plus the ordering and no-expansion
// properties the issue asks for.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentFile } from '../../src/vm/agent-file.js';
import { listAgentFiles } from '../../src/vm/agent-files.js';
import { renderUnit } from '../../src/vm/systemd-unit.js';
import { SDS_SOCKET } from '../../src/vm/paths.js';
import { readUpstream } from '../helpers/golden-cases.js';
import { requireExecutable } from '../validators/require-tool.js';
import { firstPlacement, variantOf } from './model-variants.js';

const root = mkdtempSync(join(tmpdir(), 'vmonboard-units-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Binaries the packages install on the VM; on this test machine they do not exist, which verify reports. */
const VM_BINARIES = ['/usr/local/bin/spire-agent', '/usr/local/bin/istio-start.sh'];

/** Writes the units (+ upstream istio.service) into a fresh dir and returns systemd-analyze verify's complaints, minus missing VM binaries. */
function verifyUnits(files: AgentFile[], edit: (path: string, text: string) => string = (_p, t) => t): string[] {
  const analyze = requireExecutable('systemd-analyze', 'systemd');
  const dir = mkdtempSync(join(root, 'system-'));
  const write = (rel: string, text: string): string => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), edit(rel, text));
    return join(dir, rel);
  };
  write('istio.service', readUpstream('istio/packaging/istio.service'));
  const units = files.filter((f) => f.bundlePath.startsWith('systemd/')).map((f) => write(f.bundlePath.slice('systemd/'.length), f.content));
  const top = [join(dir, 'istio.service'), ...units.filter((u) => !u.includes('.service.d/'))];
  let output = '';
  try {
    execFileSync(analyze, ['verify', '--man=no', ...top], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    output = String((err as { stderr?: string }).stderr ?? err);
  }
  const missingBinary = new RegExp(`Command (${VM_BINARIES.join('|')}) is not executable`);
  return output.split('\n').filter((l) => l.trim() !== '' && !missingBinary.test(l));
}

async function unitFiles(): Promise<AgentFile[]> {
  const model = await variantOf('aws-cloudinit');
  const { workload, placement } = firstPlacement(model);
  return listAgentFiles(model, workload, placement);
}

const contentOf = (files: AgentFile[], bundlePath: string): string => files.find((f) => f.bundlePath === bundlePath)!.content;

describe('systemd-analyze verify', () => {
  it('accepts every unit and the istio.service drop-in (only the VM binaries are missing here)', async () => {
    expect(verifyUnits(await unitFiles())).toEqual([]);
  });

  it('reports a bad key in the drop-in, so the drop-in is really read', async () => {
    const complaints = verifyUnits(await unitFiles(), (p, t) => (p.endsWith('10-vmonboard.conf') ? t.replace('[Service]', '[Service]\nTimeoutStartSecs=1') : t));
    expect(complaints.join('\n')).toMatch(/Unknown key .*TimeoutStartSecs/);
  });
});

describe('ordering and the SDS wait', () => {
  it('spire-agent starts before istio; istio wants it and waits for the socket and the SVID files, bounded', async () => {
    const files = await unitFiles();
    expect(contentOf(files, 'systemd/spire-agent.service')).toMatch(/^Before=istio\.service /m);
    const dropIn = contentOf(files, 'systemd/istio.service.d/10-vmonboard.conf');
    expect(dropIn).toMatch(/^After=.*\bspire-agent\.service\b/m);
    expect(dropIn).toMatch(/^Wants=.*\bspire-agent\.service\b/m);
    expect(dropIn).toContain(`ExecStartPre=/usr/bin/timeout 300 /bin/sh -c 'until [ -S ${SDS_SOCKET} ] && [ -s /etc/certs/cert-chain.pem ] && [ -s /etc/certs/key.pem ]; do sleep 2; done'`);
    // The start timeout must outlast the wait, or systemd kills the wait early.
    expect(Number(/^TimeoutStartSec=(\d+)$/m.exec(dropIn)![1])).toBeGreaterThan(300);
  });

  it('never runs the agent with -expandEnv, and runs it with the group the sidecar leaves alone', async () => {
    const unit = contentOf(await unitFiles(), 'systemd/spire-agent.service');
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/bin\/spire-agent run -config \/etc\/spire\/agent\/agent\.conf$/m);
    expect(unit).not.toMatch(/^ExecStart=.*-expandEnv/m);
    expect(unit).toMatch(/^Group=spire$/m);
    expect(unit).toMatch(/^RuntimeDirectory=secrets\/workload-spiffe-uds$/m);
  });

  it('the SVID sync runs as istio-proxy and links the SVID to the names pilot-agent reads', async () => {
    const files = await unitFiles();
    const sync = contentOf(files, 'systemd/vmonboard-svid-sync.service');
    expect(sync).toMatch(/^User=istio-proxy$/m);
    expect(sync).toContain(`api fetch x509 -silent -socketPath ${SDS_SOCKET} -timeout 30s -write /run/vmonboard-svid`);
    expect(sync).toContain('ln -sfn /run/vmonboard-svid/svid.0.pem /etc/certs/cert-chain.pem');
    expect(sync).toContain('ln -sfn /run/vmonboard-svid/svid.0.key /etc/certs/key.pem');
    expect(contentOf(files, 'systemd/vmonboard-svid-sync.timer')).toMatch(/^OnUnitActiveSec=10min$/m);
  });

  it('a failed SVID sync is retried within seconds, never rate-limited (issue 13 item 4)', async () => {
    const sync = contentOf(await unitFiles(), 'systemd/vmonboard-svid-sync.service');
    expect(sync).toMatch(/^Type=oneshot$/m);
    expect(sync).toMatch(/^Restart=on-failure$/m);
    expect(sync).toMatch(/^RestartSec=5s$/m);
    expect(sync).toMatch(/^StartLimitIntervalSec=0$/m);
  });
});

describe('the unit serializer', () => {
  it('refuses values systemd would expand or continue', () => {
    const model = { sourceName: 'spec.yaml' };
    const unit = (value: string): string => renderUnit(model, [], [{ name: 'Service', entries: [['ExecStart', value]] }]);
    expect(unit('/bin/true')).toContain('ExecStart=/bin/true');
    expect(() => unit('/bin/echo $HOME')).toThrow(/% or \$/);
    expect(() => unit('/bin/echo %h')).toThrow(/% or \$/);
    expect(() => unit('/bin/echo a\n[Install]')).toThrow(/spans lines/);
    expect(() => unit('/bin/echo \\')).toThrow(/backslash/);
    expect(() => renderUnit(model, [], [{ name: 'Service', entries: [['exec-start', '/bin/true']] }])).toThrow(/setting name/);
  });
});
