/**
 * Bash unit tests of single bootstrap functions: the rendered script minus its `main "$@"` line
 * is sourced in a sandbox (root prefix + shims) and one function is called at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { goldenModel } from '../helpers/golden-cases.js';
import { createSandbox, runBash, writeLibrary, type Sandbox } from './helpers/sandbox.js';
import { firstVm } from './helpers/corpus.js';
import { callsOf } from './helpers/run-payload.js';
import { renderBootstrap } from '../../src/delivery/bootstrap.js';

let sb: Sandbox;
afterEach(() => sb?.cleanup());

/** Sources the bootstrap of a golden case and runs `code` after it. */
async function call(caseName: string, code: string, env: Record<string, string> = {}, osRelease?: string): Promise<{ code: number; out: string }> {
  sb = createSandbox(osRelease);
  const lib = writeLibrary(sb, renderBootstrap(firstVm(await goldenModel(caseName)), 'full').script);
  const r = await runBash(['-c', `source ${lib}\n${code}`], { ...sb.env, ...env });
  return { code: r.code, out: r.stdout + r.stderr };
}

const OS = {
  'ubuntu-22.04': 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n',
  'ubuntu-24.04': 'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n',
  'debian-12': 'ID=debian\nVERSION_ID="12"\n',
  'rhel-9': 'ID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n',
  'rocky-9': 'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n',
  'amazonlinux-2023': 'ID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\n',
};

describe('OS and arch detection', () => {
  // onprem-x509pop targets rhel-9 and ubuntu-22.04 on amd64 and arm64: both families, both arches.
  const cases: Array<[keyof typeof OS, string, string, string]> = [
    ['ubuntu-22.04', 'x86_64', 'deb', 'amd64'],
    ['ubuntu-24.04', 'aarch64', 'deb', 'arm64'],
    ['debian-12', 'x86_64', 'deb', 'amd64'],
    ['rhel-9', 'aarch64', 'rpm', 'arm64'],
    ['rocky-9', 'x86_64', 'rpm', 'amd64'],
    ['amazonlinux-2023', 'aarch64', 'rpm', 'arm64'],
  ];
  it.each(cases)('%s on %s is %s/%s', async (os, machine, pkg, arch) => {
    const r = await call('onprem-x509pop', 'detect_os; echo "RESULT $PKG/$ARCH"', { SHIM_UNAME_M: machine }, OS[os]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`RESULT ${pkg}/${arch}`);
  });

  it('refuses a family the payload carries no pins for', async () => {
    // baremetal-jointoken targets debian-12 only: no rpm branch is generated.
    const r = await call('baremetal-jointoken', 'detect_os', {}, OS['rhel-9']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('unsupported OS (rhel fedora); targets: debian-12');
  });

  it('refuses an arch the payload carries no pins for', async () => {
    // aws-cloudinit targets amd64 only.
    const r = await call('aws-cloudinit', 'detect_os', { SHIM_UNAME_M: 'aarch64' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('unsupported arch arm64; targets: amd64');
  });
});

describe('retry', () => {
  it('gives up after RETRIES attempts with growing, jittered delays', async () => {
    const r = await call('aws-cloudinit', 'if retry false; then echo SUCCEEDED; else echo "GAVE UP $?"; fi', { RETRIES: '4' });
    expect(r.out).toContain('GAVE UP 1');
    expect(r.out).toContain('giving up after 4 attempts: false');
    const delays = callsOf(sb, 'sleep').map((a) => Number(a[0]));
    expect(delays).toHaveLength(3);
    [2, 4, 8].forEach((base, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(base);
      expect(delays[i]).toBeLessThanOrEqual(base + 2);
    });
  });

  it('returns as soon as an attempt succeeds', async () => {
    const r = await call('aws-cloudinit', `flaky() { [[ -f "$ST/once" ]] || { touch "$ST/once"; return 1; }; }\nmkdir -p "$ST"; retry flaky && echo DONE`);
    expect(r.out).toContain('DONE');
    expect(callsOf(sb, 'sleep')).toHaveLength(1);
  });
});

describe('sha256 check', () => {
  it('accepts the pinned checksum and rejects any other', async () => {
    const r = await call('aws-cloudinit', [
      'mkdir -p "$ST"; printf abc >"$ST/f"',
      'sha_ok "$ST/f" ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad && echo GOOD',
      'sha_ok "$ST/f" 0000000000000000000000000000000000000000000000000000000000000000 || echo BAD',
    ].join('\n'));
    expect(r.out).toContain('GOOD');
    expect(r.out).toContain('BAD');
  });
});

describe('staged-config placement', () => {
  it('places with final owner and mode, queues units only for changed files', async () => {
    const r = await call('aws-cloudinit', [
      'mkdir -p "$STG/x"; printf "one\\n" >"$STG/x/a.conf"',
      'place x/a.conf /etc/demo/a.conf demo-user demo-group 0640 demo.service',
      'echo "FIRST ${RESTART[*]}"',
      'RESTART=()',
      'place x/a.conf /etc/demo/a.conf demo-user demo-group 0640 demo.service',
      'echo "SAME ${RESTART[*]}|"',
      'printf "two\\n" >"$STG/x/a.conf"',
      'place x/a.conf /etc/demo/a.conf demo-user demo-group 0640 demo.service other.service',
      'echo "CHANGED ${RESTART[*]}"',
      'stat -c %a "$R/etc/demo/a.conf"',
    ].join('\n'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('FIRST demo.service');
    expect(r.out).toContain('SAME |');
    expect(r.out).toContain('CHANGED demo.service other.service');
    expect(r.out).toContain('\n640\n');
    expect(sb.read('/etc/demo/a.conf')).toBe('two\n');
    expect(callsOf(sb, 'chown')).toEqual(Array(3).fill(['demo-user:demo-group', `${sb.root}/etc/demo/a.conf`]));
  });

  it('fails, naming the file, when a staged file is missing', async () => {
    const r = await call('aws-cloudinit', 'place nope.conf /etc/nope.conf root root 0644');
    expect(r.code).toBe(1);
    expect(r.out).toContain('staged file nope.conf is missing');
  });
});

describe('managed /etc/hosts block', () => {
  const block = (ip: string): string => `# BEGIN vmonboard istiod\n${ip} istiod-1-27.istio-system.svc\n# END vmonboard istiod\n`;
  it('replaces the previous block in place, never appends, and keeps the rest of the file', async () => {
    const r = await call('aws-cloudinit', [
      'stage_files',
      'H="$STG/vmonboard/vmonboard-hosts"',
      'mkdir -p "$STG/istio"',
      `printf '%s' '${block('203.0.113.10')}' >"$STG/istio/hosts"`,
      'bash "$H"; bash "$H"',
      `printf '%s' '${block('198.51.100.7')}' >"$STG/istio/hosts"`,
      'bash "$H"',
      'echo "10.0.0.1 other" >>"$R/etc/hosts"',
      'bash "$H"',
    ].join('\n'));
    expect(r.code, r.out).toBe(0);
    expect(sb.read('/etc/hosts')).toBe(`127.0.0.1 localhost\n::1 localhost\n10.0.0.1 other\n${block('198.51.100.7')}`);
    expect(r.out.match(/updated the managed block/g)).toHaveLength(3);
  });

  it('resolves a DNS-named gateway at boot and substitutes its address (vmonboard-hosts)', async () => {
    const r = await call('aws-dns-rpm-arm64', [
      'stage_files',
      'mkdir -p "$STG/istio"',
      `printf '%s' '# BEGIN vmonboard istiod\n@EASTWEST_GATEWAY_IP@ istiod.istio-system.svc\n# END vmonboard istiod\n' >"$STG/istio/hosts"`,
      'bash "$STG/vmonboard/vmonboard-hosts"',
    ].join('\n'), { SHIM_AHOSTS: '192.0.2.44' });
    expect(r.code, r.out).toBe(0);
    expect(sb.read('/etc/hosts')).toContain('\n192.0.2.44 istiod.istio-system.svc\n');
    expect(callsOf(sb, 'getent')).toEqual([['ahosts', 'ew-nlb.elb.us-east-1.example.com']]);
  });

  it('fails (and the timer retries) when the gateway name does not resolve', async () => {
    const r = await call('aws-dns-rpm-arm64', 'stage_files; mkdir -p "$STG/istio"; echo x >"$STG/istio/hosts"; bash "$STG/vmonboard/vmonboard-hosts"');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('cannot resolve ew-nlb.elb.us-east-1.example.com');
  });
});

describe('RHEL family: SELinux, firewalld, iptables backend', () => {
  it('restores SELinux labels and opens the workload ports when both are on', async () => {
    const r = await call('azure-cloudinit', 'rhel_host', { SHIM_RC_selinuxenabled: '0', SHIM_RC_firewalld: '0' });
    expect(r.code, r.out).toBe(0);
    // Every file the payload places, changed by this run or not: a re-run after a failure changes none (issue 14).
    const calls = callsOf(sb, 'restorecon');
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe('-RF');
    expect(calls[0]!.at(-1)).toBe(`${sb.root}/opt/spire`);
    expect(calls[0]).toEqual(expect.arrayContaining([`${sb.root}/etc/spire/agent/agent.conf`, `${sb.root}/var/lib/istio/envoy/cluster.env`, `${sb.root}/etc/istio/config/mesh`]));
    expect(callsOf(sb, 'firewall-cmd')).toEqual([['-q', '--permanent', '--add-port=9080/tcp'], ['-q', '--reload']]);
  });

  it('leaves both alone when SELinux is disabled and firewalld is inactive', async () => {
    const r = await call('azure-cloudinit', 'rhel_host');
    expect(r.code, r.out).toBe(0);
    expect(callsOf(sb, 'restorecon')).toEqual([]);
    expect(callsOf(sb, 'firewall-cmd')).toEqual([]);
  });

  it('detects the nf_tables and the legacy iptables backends', async () => {
    const nft = await call('azure-cloudinit', 'detect_iptables; echo "IPT=$IPT"');
    expect(nft.out).toContain('IPT=nft');
    sb.cleanup();
    const legacy = await call('azure-cloudinit', 'detect_iptables; echo "IPT=$IPT"', { SHIM_IPTABLES_V: 'iptables v1.8.7 (legacy)' });
    expect(legacy.out).toContain('IPT=legacy');
  });
});

describe('units', () => {
  it('enables the units with an [Install] section and restarts only queued ones, in start order, never blocking', async () => {
    const r = await call('aws-cloudinit', 'PKG=deb; RESTART=(otelcol-contrib.service spire-agent.service); start_units');
    expect(r.code, r.out).toBe(0);
    expect(callsOf(sb, 'systemctl')).toEqual([
      ['daemon-reload'],
      ['enable', '-q', 'spire-agent.service', 'istio.service', 'otelcol-contrib.service', 'vmonboard-svid-sync.timer', 'vmonboard-hosts.service'],
      ['restart', '--no-block', 'spire-agent.service', 'otelcol-contrib.service'],
    ]);
  });
});
